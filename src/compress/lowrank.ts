// Low-rank factorization: a Dense layer W (M×N) becomes two Dense layers of rank K from the SVD (W ≈ U_K Σ_K V_Kᵀ),
// K(M+N) parameters instead of MN; K from an energy threshold or a parameter budget, then fine-tuning.
import type { Graph, Node } from '../ir/graph.ts';
import { cloneGraph } from '../ir/graph.ts';
import { inferShapes } from '../ir/shape-inference.ts';
import { validateGraph } from '../ir/validate.ts';
import type { LayerRow, Pass } from './pass.ts';
import {
  accuracy,
  compareFigures,
  fineTune,
  fineTuneOptions,
  fineTuneParams,
  pct,
  splitData,
  requireDataset,
  type CompressReport,
} from './prune-finetune.ts';

export interface Svd {
  /** M×r, row-major. */
  u: Float64Array;
  /** r singular values, descending. */
  s: Float64Array;
  /** N×r, row-major. */
  v: Float64Array;
  rank: number;
}

/** Thin SVD of a row-major M×N matrix by one-sided (Hestenes) Jacobi on the min(M,N) columns of W or Wᵀ:
 *  accurate (no Gram matrix) and O(min² · max) per sweep, fine for N ≤ ~1000. */
export function svd(w: ArrayLike<number>, m: number, n: number, maxSweeps = 40): Svd {
  const transpose = m < n; // work on A = Wᵀ (n×m) so the columns are the short side
  const rows = transpose ? n : m;
  const r = transpose ? m : n;
  const cols = Array.from({ length: r }, (_, j) => {
    const c = new Float64Array(rows);
    for (let i = 0; i < rows; i++) c[i] = transpose ? w[j * n + i]! : w[i * n + j]!;
    return c;
  });
  const vs = Array.from({ length: r }, (_, j) => {
    const c = new Float64Array(r);
    c[j] = 1;
    return c;
  });
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
    return s;
  };
  const rotate = (a: Float64Array, b: Float64Array, c: number, s: number) => {
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      const y = b[i]!;
      a[i] = c * x - s * y;
      b[i] = s * x + c * y;
    }
  };
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let rotated = false;
    for (let p = 0; p < r - 1; p++) {
      for (let q = p + 1; q < r; q++) {
        const alpha = dot(cols[p]!, cols[p]!);
        const beta = dot(cols[q]!, cols[q]!);
        const gamma = dot(cols[p]!, cols[q]!);
        if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || gamma === 0) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        rotate(cols[p]!, cols[q]!, c, c * t);
        rotate(vs[p]!, vs[q]!, c, c * t);
      }
    }
    if (!rotated) break;
  }
  // A = B·Vᵀ with orthogonal columns b_j = σ_j·u_j.
  const order = [...Array(r).keys()].map((j) => [j, Math.sqrt(dot(cols[j]!, cols[j]!))] as const).sort((a, b) => b[1] - a[1]);
  const s = Float64Array.from(order.map(([, v]) => v));
  const left = new Float64Array(rows * r); // normalised b_j
  const right = new Float64Array(r * r); // V
  order.forEach(([j, sig], k) => {
    for (let i = 0; i < rows; i++) left[i * r + k] = sig > 0 ? cols[j]![i]! / sig : 0;
    for (let i = 0; i < r; i++) right[i * r + k] = vs[j]![i]!;
  });
  // A = W (u = left, v = right) or A = Wᵀ (W = right·Σ·leftᵀ: u = right, v = left).
  return transpose ? { u: right, s, v: left, rank: r } : { u: left, s, v: right, rank: r };
}

/** Smallest K whose singular values hold `energy` of Σσ². */
export function rankForEnergy(s: Float64Array, energy: number): number {
  const total = s.reduce((a, b) => a + b * b, 0);
  let acc = 0;
  for (let k = 0; k < s.length; k++) {
    acc += s[k]! ** 2;
    if (acc >= energy * total - 1e-12) return k + 1;
  }
  return s.length;
}

/** Replaces Dense `node` (W M×N) by Dense(V_K·√Σ, K×N, no bias) → Dense(U_K·√Σ, M×K, original bias and activation). */
export function factorizeDense(g: Graph, node: Node<'Dense'>, dec: Svd, k: number): void {
  const w = g.tensors[node.inputs[1]!]!;
  const [m, n] = w.shape as [number, number];
  const r = dec.rank;
  const first = new Float32Array(k * n);
  const second = new Float32Array(m * k);
  for (let j = 0; j < k; j++) {
    const root = Math.sqrt(dec.s[j]!);
    for (let i = 0; i < n; i++) first[j * n + i] = dec.v[i * r + j]! * root;
    for (let i = 0; i < m; i++) second[i * k + j] = dec.u[i * r + j]! * root;
  }
  const vName = `${w.name}.lowrank_v`;
  const uName = `${w.name}.lowrank_u`;
  const mid = `${node.outputs[0]}.lowrank`;
  g.tensors[vName] = { name: vName, shape: [k, n], dtype: 'f32', data: first };
  g.tensors[uName] = { name: uName, shape: [m, k], dtype: 'f32', data: second };
  g.tensors[mid] = { name: mid, shape: [], dtype: 'f32' };
  const at = g.nodes.indexOf(node);
  g.nodes.splice(at, 0, {
    name: `${node.name}_lowrank`,
    op: 'Dense',
    inputs: [node.inputs[0]!, vName],
    outputs: [mid],
    attrs: { activation: 'none' },
  });
  const stillUsed = g.nodes.some((x) => x !== node && x.inputs.includes(w.name));
  node.inputs = [mid, uName, ...node.inputs.slice(2)];
  if (!stillUsed) delete g.tensors[w.name];
}

export const lowrank: Pass = {
  name: 'lowrank',
  description: 'factorizes Dense layers M×N into two layers of rank K from the SVD (K(M+N) instead of MN), then fine-tunes',
  params: {
    rank_by: {
      type: 'enum',
      values: ['energy', 'params'],
      default: 'params',
      description: 'choose K by singular-value energy or by a parameter budget',
    },
    energy: { type: 'number', min: 0.01, max: 1, default: 0.9, description: "fraction of Σσ² kept (rank_by 'energy')" },
    param_fraction: { type: 'number', min: 0.001, max: 1, default: 0.25, description: "K(M+N) ≤ this fraction of MN (rank_by 'params')" },
    min_params: {
      type: 'number',
      min: 0,
      max: 1e9,
      integer: true,
      default: 2000,
      description: 'leave Dense layers with fewer weights alone',
    },
    ...fineTuneParams,
    epochs: { ...fineTuneParams.epochs, default: 1 },
  },
  async run(ir, { params, data }, log) {
    const ft = fineTuneOptions(params);
    if (ft.epochs > 0) requireDataset(data, 'lowrank', 'fine-tune the factorized layers');
    const split = data.dataset ? splitData(data.dataset, Number(params.samples), Number(params.val_samples), data.validation) : undefined;
    let g = cloneGraph(ir);
    const layers: LayerRow[] = [];
    const notes: string[] = [];
    const dense = g.nodes.filter(
      (n): n is Node<'Dense'> =>
        n.op === 'Dense' && g.tensors[n.inputs[1]!]?.data !== undefined && g.tensors[n.inputs[1]!]!.dtype === 'f32',
    );
    for (const node of dense) {
      const w = g.tensors[node.inputs[1]!]!;
      const [m, n] = w.shape as [number, number];
      if (m * n < Number(params.min_params)) continue;
      log.progress(`lowrank: SVD of ${node.name} (${m}×${n})`);
      const dec = svd(w.data!, m, n);
      const k =
        params.rank_by === 'energy'
          ? rankForEnergy(dec.s, Number(params.energy))
          : Math.max(1, Math.floor((Number(params.param_fraction) * m * n) / (m + n)));
      const total = dec.s.reduce((a, b) => a + b * b, 0);
      const kept = dec.s.slice(0, k).reduce((a, b) => a + b * b, 0) / (total || 1);
      const row: LayerRow = {
        node: node.name,
        op: 'Dense',
        params: m * n,
        bytes_before: m * n * 4,
        bytes_after: m * n * 4,
        m,
        n,
        k,
        mn: m * n,
        k_m_plus_n: k * (m + n),
        energy_kept: Math.round(kept * 1e4) / 1e4,
      };
      if (k * (m + n) >= m * n) {
        notes.push(`${node.name}: rank ${k} would not save parameters (K(M+N) = ${k * (m + n)} ≥ MN = ${m * n}); left as is`);
        layers.push(row);
        continue;
      }
      if (w.mask) notes.push(`${node.name}: its pruning mask is dropped (the factors are dense)`);
      factorizeDense(g, node, dec, k);
      layers.push({ ...row, params: k * (m + n), bytes_after: k * (m + n) * 4 });
    }
    g = inferShapes(g);
    validateGraph(g);
    const accBefore = await accuracy(ir, split?.val);
    const accSvd = await accuracy(g, split?.val);
    if (split && ft.epochs > 0) g = await fineTune(g, split.train, ft);
    const accAfter = await accuracy(g, split?.val);
    notes.push(
      `top-1 ${pct(accBefore)} → ${pct(accSvd)} right after the SVD → ${pct(accAfter)} after fine-tuning, ${split?.valLabel ?? '(no labelled data to measure on)'}`,
    );
    const report: CompressReport = {
      name: 'lowrank',
      options: { ...params },
      ...compareFigures(ir, g, accBefore, accAfter),
      layers,
      notes,
    };
    return { ir: g, report };
  },
};
