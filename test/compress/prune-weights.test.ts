// Weight pruning: the cubic schedule, exact per-layer / global sparsity, and masks that survive fine-tuning.
import { describe, expect, it } from 'vitest';
import { applyMagnitudeMasks, cubicSchedule, keptFraction, pruneWeights } from '../../src/compress/prune-weights.ts';
import { createLog } from '../../src/compress/pass.ts';
import { cloneGraph } from '../../src/ir/graph.ts';
import { evaluate } from '../../src/train/evaluate.ts';
import { mlp, mnistSlice, trained } from './prune-fixtures.ts';

describe('prune-weights', () => {
  it('follows Zhu & Gupta: fast early, reaches the target exactly', () => {
    const s = cubicSchedule(0.9, 4);
    expect(s[3]).toBeCloseTo(0.9, 12);
    expect(s[0]).toBeCloseTo(0.9 - 0.9 * 0.75 ** 3, 12);
    for (let i = 1; i < 4; i++) expect(s[i]! - s[i - 1]!).toBeLessThan(i === 1 ? s[0]! : s[i - 1]! - (s[i - 2] ?? 0));
  });

  it('per-layer masks hit the target and zero the smallest weights; global keeps every layer alive', () => {
    const g = mlp(1);
    applyMagnitudeMasks(g, { sparsity: 0.75, scope: 'per-layer' });
    for (const t of ['fc1.w', 'fc2.w', 'fc3.w']) {
      expect(keptFraction(g, t)).toBeCloseTo(0.25, 2);
      const w = g.tensors[t]!.data as Float32Array;
      const m = g.tensors[t]!.mask!;
      let maxPruned = 0;
      let minKept = Infinity;
      // Pruned values were zeroed, so compare against the original magnitudes.
      const orig = mlp(1).tensors[t]!.data as Float32Array;
      for (let i = 0; i < w.length; i++) {
        if (m[i]) minKept = Math.min(minKept, Math.abs(orig[i]!));
        else {
          expect(w[i]).toBe(0);
          maxPruned = Math.max(maxPruned, Math.abs(orig[i]!));
        }
      }
      expect(maxPruned).toBeLessThanOrEqual(minKept);
    }
    const h = mlp(1);
    applyMagnitudeMasks(h, { sparsity: 0.9995, scope: 'global' });
    for (const t of ['fc1.w', 'fc2.w', 'fc3.w']) expect(keptFraction(h, t)).toBeGreaterThan(0);
  });

  it('gradual pruning with fine-tuning keeps masks and recovers accuracy', async () => {
    const ds = await mnistSlice(2500);
    const base = await trained(mlp(2), await mnistSlice(2000), 2);
    const before = cloneGraph(base);
    const { ir, report } = await pruneWeights.run(
      base,
      {
        params: {
          sparsity: 0.8,
          scope: 'per-layer',
          steps: 2,
          epochs: 3,
          lr: 1e-3,
          samples: 2000,
          val_samples: 500,
          batch_size: 64,
          seed: 1,
        },
        data: { dataset: ds },
      },
      createLog(),
    );
    expect(base).toEqual(before); // input untouched
    for (const t of ['fc1.w', 'fc2.w', 'fc3.w']) {
      const { data, mask } = ir.tensors[t]!;
      expect(keptFraction(ir, t)).toBeCloseTo(0.2, 2);
      for (let i = 0; i < mask!.length; i++) if (!mask![i]) expect(data![i]).toBe(0);
    }
    for (const l of report.layers) expect(l.kept_percent).toBeCloseTo(20, 0);
    const r = report as typeof report & { accuracy_before: number; accuracy_after: number };
    expect(r.accuracy_after).toBeGreaterThan(r.accuracy_before - 0.05);
    const test = await mnistSlice(1000, 'test');
    expect((await evaluate(ir, test)).top1).toBeGreaterThan(0.8);
  }, 60_000);

  it('skip_below leaves small layers unpruned; distillation from the unpruned model fine-tunes with the masks kept', async () => {
    const g = mlp(1);
    applyMagnitudeMasks(g, { sparsity: 0.9, scope: 'global', skipBelow: 1000 });
    expect(g.tensors['fc3.w']!.mask).toBeUndefined(); // 320 weights < 1000
    expect(keptFraction(g, 'fc1.w')).toBeLessThan(0.2);
    const ds = await mnistSlice(2500);
    const base = await trained(mlp(2), await mnistSlice(2000), 2);
    const params = {
      sparsity: 0.8,
      scope: 'global',
      skip_below: 1000,
      distill: 0.7,
      temperature: 4,
      steps: 2,
      epochs: 2,
      lr: 1e-3,
      samples: 2000,
      val_samples: 500,
      batch_size: 64,
      seed: 1,
    };
    const { ir, report } = await pruneWeights.run(base, { params, data: { dataset: ds } }, createLog());
    expect(ir.tensors['fc3.w']!.mask).toBeUndefined();
    expect(Array.from(ir.tensors['fc3.w']!.data!)).not.toEqual(Array.from(base.tensors['fc3.w']!.data!)); // trained, not pruned
    const { data, mask } = ir.tensors['fc1.w']!;
    for (let i = 0; i < mask!.length; i++) if (!mask![i]) expect(data![i]).toBe(0);
    const r = report as typeof report & { accuracy_before: number; accuracy_after: number };
    expect(r.accuracy_after).toBeGreaterThan(r.accuracy_before - 0.05);
    expect(report.notes.join(' ')).toMatch(/distillation/);
  }, 60_000);

  it('fine-tuning needs data', async () => {
    await expect(
      pruneWeights.run(
        mlp(1),
        {
          params: { sparsity: 0.5, scope: 'global', steps: 2, epochs: 1, lr: 1e-3, samples: 10, val_samples: 0, batch_size: 8, seed: 1 },
          data: {},
        },
        createLog(),
      ),
    ).rejects.toMatchObject({ code: 'no-training-data' });
  });
});
