// Low-rank: the Jacobi SVD reconstructs and is orthogonal, finds the rank of a rank-K matrix, and the factorized
// graph at full rank computes what the original does; K(M+N) vs MN in the report.
import { describe, expect, it } from 'vitest';
import { lowrank, rankForEnergy, svd } from '../../src/compress/lowrank.ts';
import { createLog } from '../../src/compress/pass.ts';
import { validateRecipe } from '../../src/compress/pipeline.ts';
import { graphStats } from '../../src/ir/stats.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { makeRng } from '../../src/train/prng.ts';
import { mlp, mnistSlice, sampleInput, trained } from './prune-fixtures.ts';

const randMat = (m: number, n: number, seed: number) => {
  const r = makeRng(seed);
  return Float64Array.from({ length: m * n }, () => r.normal());
};

function reconstruct(d: ReturnType<typeof svd>, m: number, n: number, k = d.rank): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += d.u[i * d.rank + t]! * d.s[t]! * d.v[j * d.rank + t]!;
      out[i * n + j] = s;
    }
  return out;
}

describe('lowrank', () => {
  for (const [m, n] of [
    [12, 30],
    [30, 12],
    [9, 9],
  ] as const) {
    it(`SVD of a ${m}×${n} matrix reconstructs it with orthonormal factors`, () => {
      const w = randMat(m, n, m * 100 + n);
      const d = svd(w, m, n);
      const back = reconstruct(d, m, n);
      for (let i = 0; i < w.length; i++) expect(back[i]).toBeCloseTo(w[i]!, 9);
      for (let a = 0; a < d.rank; a++)
        for (let b = 0; b < d.rank; b++) {
          let uu = 0;
          let vv = 0;
          for (let i = 0; i < m; i++) uu += d.u[i * d.rank + a]! * d.u[i * d.rank + b]!;
          for (let i = 0; i < n; i++) vv += d.v[i * d.rank + a]! * d.v[i * d.rank + b]!;
          expect(uu).toBeCloseTo(a === b ? 1 : 0, 9);
          expect(vv).toBeCloseTo(a === b ? 1 : 0, 9);
        }
      for (let i = 1; i < d.rank; i++) expect(d.s[i]).toBeLessThanOrEqual(d.s[i - 1]!);
    });
  }

  it('finds the rank of a rank-3 matrix and its best rank-2 error is σ₃ (Eckart–Young)', () => {
    const [m, n, k] = [40, 25, 3];
    const a = randMat(m, k, 1);
    const b = randMat(k, n, 2);
    const w = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let t = 0; t < k; t++) w[i * n + j] += a[i * k + t]! * b[t * n + j]!;
    const d = svd(w, m, n);
    expect(d.s[3]! / d.s[0]!).toBeLessThan(1e-10);
    expect(rankForEnergy(d.s, 0.999999999)).toBe(3);
    const r2 = reconstruct(d, m, n, 2);
    const err = Math.sqrt(w.reduce((s, v, i) => s + (v - r2[i]!) ** 2, 0));
    expect(err).toBeCloseTo(d.s[2]!, 8);
  });

  it('an SVD of 120×784 finishes quickly', () => {
    const t0 = performance.now();
    const d = svd(randMat(120, 784, 5), 120, 784);
    expect(d.rank).toBe(120);
    expect(performance.now() - t0).toBeLessThan(20_000);
  }, 30_000);

  it('factorizes at full energy without changing outputs; the budget mode reports K(M+N) vs MN', async () => {
    const g = mlp(3, 40, 20);
    const ds = await mnistSlice(20);
    const full = validateRecipe([{ step: 'lowrank', rank_by: 'energy', energy: 1, epochs: 0, min_params: 100 }])[0]!;
    const { ir } = await lowrank.run(g, { params: full, data: {} }, createLog());
    // fc1 (40×784): K = 40 → 40·824 > 31360, left as is; fc2 (20×40): K = 20 → 20·60 > 800, left as is.
    expect(ir.nodes.length).toBe(g.nodes.length);
    const half = validateRecipe([{ step: 'lowrank', rank_by: 'params', param_fraction: 0.5, epochs: 0, min_params: 1000 }])[0]!;
    const { ir: lr, report } = await lowrank.run(g, { params: half, data: {} }, createLog());
    const row = report.layers.find((l) => l.node === 'fc1')!;
    expect(row.k).toBe(Math.floor((0.5 * 40 * 784) / 824));
    expect(row.k_m_plus_n).toBe((row.k as number) * 824);
    expect(lr.tensors['fc1.w.lowrank_v']!.shape).toEqual([row.k, 784]);
    expect(graphStats(lr).totals.params).toBe(graphStats(g).totals.params - 40 * 784 + (row.k as number) * 824);
    // A rank-deficient layer (rank 6) factorized at full energy computes the same outputs.
    const wide = mlp(4, 100, 20);
    const w = wide.tensors['fc1.w']!.data as Float32Array;
    const a = randMat(100, 6, 7);
    const b = randMat(6, 784, 8);
    for (let i = 0; i < 100; i++)
      for (let j = 0; j < 784; j++) {
        let s = 0;
        for (let t = 0; t < 6; t++) s += a[i * 6 + t]! * b[t * 784 + j]!;
        w[i * 784 + j] = s * 0.01;
      }
    const exact = validateRecipe([{ step: 'lowrank', rank_by: 'energy', energy: 1, epochs: 0, min_params: 1000 }])[0]!;
    const { ir: w2, report: r2 } = await lowrank.run(wide, { params: exact, data: {} }, createLog());
    expect(r2.layers.find((l) => l.node === 'fc1')!.k).toBe(6);
    expect(w2.tensors['fc1.w.lowrank_u']!.shape).toEqual([100, 6]);
    const x = sampleInput(ds, 0);
    const y0 = runGraph(wide, x).outputs.probs!;
    const y1 = runGraph(w2, x).outputs.probs!;
    for (let i = 0; i < 10; i++) expect(y1[i]).toBeCloseTo(y0[i]!, 4);
    expect(Math.max(...y0)).toBeLessThan(0.999); // not saturated, so the comparison means something
  }, 40_000);

  it('fine-tunes after factorizing a trained layer', async () => {
    const ds = await mnistSlice(2500);
    const base = await trained(mlp(2, 128, 32), await mnistSlice(2000), 3);
    const p = validateRecipe([{ step: 'lowrank', param_fraction: 0.2, epochs: 2, samples: 2000, val_samples: 500 }])[0]!;
    const { report } = await lowrank.run(base, { params: p, data: { dataset: ds } }, createLog());
    const r = report as typeof report & { accuracy_before: number; accuracy_after: number };
    expect(report.params_after).toBeLessThan(report.params_before * 0.25);
    expect(r.accuracy_after).toBeGreaterThan(r.accuracy_before - 0.05);
  }, 60_000);
});
