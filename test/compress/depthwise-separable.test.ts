// Depthwise-separable conversion: k²I + IO parameters, exact for separable filters, the least-squares output fit
// beats the weight fit, and distillation from the original recovers accuracy.
import { describe, expect, it } from 'vitest';
import { convParams, depthwiseSeparable, separateConv, solveRidge } from '../../src/compress/depthwise-separable.ts';
import { createLog } from '../../src/compress/pass.ts';
import { validateRecipe } from '../../src/compress/pipeline.ts';
import { sliceDataset } from '../../src/compress/prune-finetune.ts';
import { cloneGraph, type Node } from '../../src/ir/graph.ts';
import { inferShapes } from '../../src/ir/shape-inference.ts';
import { validateGraph } from '../../src/ir/validate.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { makeRng } from '../../src/train/prng.ts';
import { cnn, mnistSlice, sampleInput, trained } from './prune-fixtures.ts';

describe('depthwise-separable', () => {
  it('3×3×8×16 → 3×3×8 + 1×1×8×16: k²I + IO parameters', () => {
    const g = cloneGraph(cnn(1, 8, 16));
    separateConv(g, g.nodes.find((n) => n.name === 'conv2') as Node<'Conv2D'>);
    const h = inferShapes(g);
    validateGraph(h);
    expect(h.tensors['conv2.w.depthwise']!.shape).toEqual([1, 3, 3, 8]);
    expect(h.tensors['conv2.w.pointwise']!.shape).toEqual([16, 1, 1, 8]);
    expect(convParams(cnn(1, 8, 16))).toBe(8 * 9 + 8 + 16 * 72 + 16);
    expect(convParams(h)).toBe(8 * 9 + 8 + 72 + 128 + 16);
    expect(h.tensors['conv2.w']).toBeUndefined();
  });

  it('separable filters are reproduced exactly (rank-1 fit per input channel)', async () => {
    const g = cnn(2, 4, 6);
    const w = g.tensors['conv2.w']!.data as Float32Array;
    const r = makeRng(4);
    const p = Array.from({ length: 24 }, () => r.normal());
    const d = Array.from({ length: 36 }, () => r.normal() * 0.3);
    for (let o = 0; o < 6; o++)
      for (let t = 0; t < 9; t++) for (let i = 0; i < 4; i++) w[(o * 9 + t) * 4 + i] = p[o * 4 + i]! * d[t * 4 + i]!;
    const h = cloneGraph(g);
    separateConv(h, h.nodes.find((n) => n.name === 'conv2') as Node<'Conv2D'>);
    const ds = await mnistSlice(3);
    const want = runGraph(g, sampleInput(ds, 1), { collect: true }).values!['conv2']!;
    const got = runGraph(inferShapes(h), sampleInput(ds, 1), { collect: true }).values!['conv2']!;
    let maxErr = 0;
    let maxAbs = 0;
    for (let i = 0; i < want.length; i++) {
      maxErr = Math.max(maxErr, Math.abs(got[i]! - want[i]!));
      maxAbs = Math.max(maxAbs, Math.abs(want[i]!));
    }
    expect(maxAbs).toBeGreaterThan(0.01);
    expect(maxErr).toBeLessThan(1e-4 * maxAbs);
  });

  it('ridge solver solves a small system', () => {
    const a = Float64Array.from([4, 1, 0, 1, 3, 1, 0, 1, 2]);
    const x = Float64Array.from([1, -2, 0.5, 3, 2, 1]); // 3×2
    const b = new Float64Array(6);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 3; k++) b[i * 2 + j] += a[i * 3 + k]! * x[k * 2 + j]!;
    const got = solveRidge(a, b, 3, 2, 0);
    for (let i = 0; i < 6; i++) expect(got[i]).toBeCloseTo(x[i]!, 10);
  });

  it('the output fit beats the weight fit, and distillation recovers accuracy', async () => {
    const ds = await mnistSlice(2000);
    const base = await trained(cnn(1, 8, 16), sliceDataset(ds, 0, 1500), 2);
    const common = { samples: 1500, val_samples: 500, calibration_samples: 64 };
    const weightsOnly = validateRecipe([{ step: 'depthwise', fit: 'weights', epochs: 0, ...common }])[0]!;
    const outputs = validateRecipe([{ step: 'depthwise', fit: 'outputs', epochs: 0, ...common }])[0]!;
    const distilled = validateRecipe([{ step: 'depthwise', fit: 'outputs', epochs: 2, ...common }])[0]!;
    const run = async (p: typeof outputs) =>
      (await depthwiseSeparable.run(base, { params: p, data: { dataset: ds } }, createLog())).report as unknown as {
        accuracy_before: number;
        accuracy_after: number;
        conv_params_before: number;
        conv_params_after: number;
      };
    const a = await run(weightsOnly);
    const b = await run(outputs);
    const c = await run(distilled);
    expect(b.accuracy_after).toBeGreaterThan(a.accuracy_after);
    expect(c.conv_params_before / c.conv_params_after).toBeGreaterThan(3);
    expect(c.accuracy_after).toBeGreaterThan(c.accuracy_before - 0.03);
  }, 60_000);
});
