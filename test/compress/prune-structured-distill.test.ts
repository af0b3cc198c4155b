// Structured pruning's distilled fine-tuning: with distill_alpha = 1 the pruned network learns from the unpruned
// model's softened outputs, not the labels — so even with every training label wrong it stays accurate, where
// label-only fine-tuning on the same data collapses.
import { describe, expect, it } from 'vitest';
import { createLog } from '../../src/compress/pass.ts';
import { pruneStructured } from '../../src/compress/prune-structured.ts';
import { validateRecipe } from '../../src/compress/pipeline.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { graphStats } from '../../src/ir/stats.ts';
import { evaluate } from '../../src/train/evaluate.ts';
import { mlp, mnistSlice, trained } from './prune-fixtures.ts';

/** The same images, every label replaced by 0. */
const wrongLabels = (ds: Dataset): Dataset => ({ ...ds, get: (i) => ({ ...ds.get(i), label: 0 }) });

describe('prune-structured distill_alpha', () => {
  it('fine-tunes against the unpruned model: wrong labels do not hurt with alpha 1, and do with alpha 0', async () => {
    const clean = await mnistSlice(1500);
    const test = await mnistSlice(500, 'test');
    const base = await trained(mlp(5, 64, 32), clean, 3);
    const baseTop1 = (await evaluate(base, test)).top1;
    // tolerance 1: every step is accepted (the held-out labels are wrong too); 2 steps of 30 %, 2 epochs each.
    const run = async (alpha: number) => {
      const p = validateRecipe([
        {
          step: 'prune-structured',
          target: 'params',
          reduction: 2,
          step_fraction: 0.3,
          tolerance: 1,
          recovery_slack: 0,
          epochs: 2,
          final_epochs: 0,
          samples: 1200,
          val_samples: 300,
          lr: 2e-3,
          distill_alpha: alpha,
          temperature: 4,
        },
      ])[0]!;
      return (await pruneStructured.run(base, { params: p, data: { dataset: wrongLabels(clean) } }, createLog())).ir;
    };
    const distilled = await run(1);
    const plain = await run(0);
    expect(graphStats(base).totals.params / graphStats(distilled).totals.params).toBeGreaterThanOrEqual(2);
    const d = (await evaluate(distilled, test)).top1;
    const l = (await evaluate(plain, test)).top1;
    expect(baseTop1).toBeGreaterThan(0.8);
    expect(d).toBeGreaterThan(baseTop1 - 0.08);
    // Label-only fine-tuning learns "always 0": about the share of zeros in the test slice.
    expect(l).toBeLessThan(0.3);
  }, 60_000);
});
