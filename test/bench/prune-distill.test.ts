// bench/prune-distill.ts: both students of a seed share architecture, images and epochs; only the loss differs, and the
// summary (mean ± std over seeds, the regime) matches the per-seed figures.
import { describe, expect, it } from 'vitest';
import { compareDistillation } from '../../bench/prune-distill.ts';
import { meanStd } from '../../src/compress/prune-lottery.ts';
import { mlp, mnistSlice, trained } from '../compress/prune-fixtures.ts';

describe('bench/prune-distill', () => {
  it('trains a quarter-width student per seed by distillation and on labels alone and summarises them', { timeout: 60_000 }, async () => {
    const train = await mnistSlice(1200);
    const test = await mnistSlice(300, 'test');
    const teacher = await trained(mlp(4, 64, 32), train, 2);
    const o = { seeds: 2, labelled: 600, epochs: 5, width: 0.25, temperature: 4, alpha: 0.9, lr: 2e-3 };
    const c = await compareDistillation(teacher, train, test, o, () => undefined);
    expect(c.teacher_params / c.student_params).toBeGreaterThanOrEqual(4);
    expect(c.distilled).toHaveLength(2);
    expect(c.labels_only).toHaveLength(2);
    // Same init and data, different loss: the two students end up different.
    expect(c.distilled).not.toEqual(c.labels_only);
    for (const v of [...c.distilled, ...c.labels_only]) expect(v).toBeGreaterThan(0.3); // chance is 0.1
    expect(c.distilled_mean).toBeCloseTo(meanStd(c.distilled).mean, 10);
    expect(c.labels_only_std).toBeCloseTo(meanStd(c.labels_only).std, 10);
    expect(c.regime).toMatch(/same 600 labelled training images for 5 epochs/);
    expect(c.teacher_top1).toBeGreaterThan(0.7);
  });
});
