// Unstructured magnitude pruning with Zhu & Gupta's gradual (cubic) schedule. Masks live in Tensor.mask, so the training
// bridge keeps pruned weights at zero while fine-tuning and later passes (clustering, Huffman, sparse storage) see them.
import { TinyforgeError } from '../diagnostics.ts';
import type { Graph, Tensor } from '../ir/graph.ts';
import { cloneGraph, product } from '../ir/graph.ts';
import { distillTrain } from './distill.ts';
import type { LayerRow, Pass, PassLog } from './pass.ts';
import {
  accuracy,
  compareFigures,
  distillParams,
  fineTune,
  fineTuneOptions,
  fineTuneParams,
  pct,
  requireDataset,
  splitData,
  type CompressReport,
} from './prune-finetune.ts';

export const WEIGHT_OPS = ['Dense', 'Conv2D', 'DepthwiseConv2D'] as const;

export interface PrunableWeight {
  node: string;
  op: string;
  tensor: string;
}

/** Weight tensors (input 1) of Dense / Conv2D / DepthwiseConv2D nodes; refuses non-float weights. */
export function prunableWeights(g: Graph): PrunableWeight[] {
  const out: PrunableWeight[] = [];
  for (const n of g.nodes) {
    if (!(WEIGHT_OPS as readonly string[]).includes(n.op)) continue;
    const t = g.tensors[n.inputs[1] ?? ''];
    if (!t?.data) continue;
    if (t.dtype !== 'f32') {
      throw new TinyforgeError('not-float', `weight "${t.name}" of node "${n.name}" is ${t.dtype}; pruning works on float weights`, {
        location: { node: n.name, op: n.op },
        hint: 'prune before quantizing: put prune-weights ahead of quantize-int8 in the recipe',
      });
    }
    out.push({ node: n.name, op: n.op, tensor: t.name });
  }
  return out;
}

/** Zhu & Gupta (2017): s_t = s_f + (s_i − s_f)(1 − t/n)³ for t = 1..n; prunes fast early, gently near the target. */
export function cubicSchedule(final: number, steps: number, initial = 0): number[] {
  return Array.from({ length: steps }, (_, i) => final + (initial - final) * (1 - (i + 1) / steps) ** 3);
}

/** Indices of the `k` smallest magnitudes among `values` (ties: lower index first), as a set of positions. */
function smallest(values: Float32Array, k: number): Uint32Array {
  const idx = new Uint32Array(values.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  idx.sort((a, b) => Math.abs(values[a]!) - Math.abs(values[b]!) || a - b);
  return idx.subarray(0, k);
}

function setMask(t: Tensor, pruned: Iterable<number>): void {
  const mask = t.mask ? t.mask.slice() : new Uint8Array(t.data!.length).fill(1);
  const data = t.data as Float32Array;
  for (const i of pruned) {
    mask[i] = 0;
    data[i] = 0;
  }
  t.mask = mask;
}

export interface MaskOptions {
  /** Fraction of weights set to zero, 0..1. */
  sparsity: number;
  /** 'per-layer': every layer reaches `sparsity`; 'global': one magnitude threshold over all layers. */
  scope: 'per-layer' | 'global';
  /** Per-layer targets by node name (library use); override `sparsity` for those layers in per-layer scope. */
  perLayer?: Record<string, number>;
  /** Layers with fewer weights than this are not pruned (their sparse index would cost more than it saves). */
  skipBelow?: number;
}

/** Masks the smallest weights in place on `g` (call on a clone). A layer always keeps at least one weight. */
export function applyMagnitudeMasks(g: Graph, o: MaskOptions): void {
  const weights = prunableWeights(g).filter((w) => g.tensors[w.tensor]!.data!.length >= (o.skipBelow ?? 0));
  if (o.scope === 'per-layer') {
    for (const w of weights) {
      const t = g.tensors[w.tensor]!;
      const n = t.data!.length;
      const k = Math.min(n - 1, Math.floor((o.perLayer?.[w.node] ?? o.sparsity) * n));
      setMask(t, smallest(t.data as Float32Array, k));
    }
    return;
  }
  const total = weights.reduce((s, w) => s + g.tensors[w.tensor]!.data!.length, 0);
  const all = new Float32Array(total);
  const offsets: number[] = [];
  let off = 0;
  for (const w of weights) {
    offsets.push(off);
    all.set(g.tensors[w.tensor]!.data as Float32Array, off);
    off += g.tensors[w.tensor]!.data!.length;
  }
  const chosen = smallest(all, Math.floor(o.sparsity * total));
  const perTensor: number[][] = weights.map(() => []);
  for (const i of chosen) {
    let j = weights.length - 1;
    while (offsets[j]! > i) j--;
    perTensor[j]!.push(i - offsets[j]!);
  }
  weights.forEach((w, j) => {
    const t = g.tensors[w.tensor]!;
    // One threshold for all can empty a small layer: keep its largest weight so the layer still passes signal.
    const list = perTensor[j]!.length >= t.data!.length ? [...smallest(t.data as Float32Array, t.data!.length - 1)] : perTensor[j]!;
    setMask(t, list);
  });
}

/** Weights kept (nonzero mask) per prunable layer. */
export function keptFraction(g: Graph, tensor: string): number {
  const t = g.tensors[tensor]!;
  if (!t.mask) return 1;
  let kept = 0;
  for (const m of t.mask) kept += m;
  return kept / t.mask.length;
}

export const pruneWeights: Pass = {
  name: 'prune-weights',
  description: 'unstructured magnitude pruning with a gradual (cubic) schedule and masked fine-tuning',
  params: {
    sparsity: { type: 'number', min: 0, max: 0.999, default: 0.9, description: 'fraction of weights set to zero' },
    scope: {
      type: 'enum',
      values: ['per-layer', 'global'],
      default: 'per-layer',
      description: 'one target per layer, or one global threshold',
    },
    steps: {
      type: 'number',
      min: 1,
      max: 100,
      integer: true,
      default: 4,
      description: 'pruning steps of the cubic schedule (fine-tuning between them)',
    },
    skip_below: {
      type: 'number',
      min: 0,
      max: 1e9,
      integer: true,
      default: 0,
      description: 'layers with fewer weights than this stay unpruned (0 = prune all)',
    },
    ...distillParams,
    distill: {
      ...distillParams.distill,
      description: "fine-tune against the unpruned model's soft outputs with this weight α (0 = labels only)",
    },
    lr_decay: {
      type: 'number',
      min: 0.01,
      max: 1,
      default: 1,
      description: 'learning-rate multiplier after each pruning step (1 = constant)',
    },
    ...fineTuneParams,
    // Says what the shared parameter means here: recipes that gave 1 epoch expected one per step.
    epochs: {
      ...fineTuneParams.epochs,
      description: 'fine-tuning epochs in all, spread evenly over the pruning steps (0 = no fine-tuning)',
    },
  },
  async run(ir, { params, data }, log: PassLog) {
    const g = cloneGraph(ir);
    const weights = prunableWeights(g);
    const ft = fineTuneOptions(params);
    const sparsity = Number(params.sparsity);
    const scope = params.scope as MaskOptions['scope'];
    const skipBelow = Number(params.skip_below) || 0; // direct callers may leave the new params out
    const alpha = Number(params.distill) || 0;
    const lrDecay = Number(params.lr_decay) || 1;
    const split = data.dataset ? splitData(data.dataset, Number(params.samples), Number(params.val_samples), data.validation) : undefined;
    if (ft.epochs > 0) requireDataset(data, 'prune-weights', 'fine-tune after pruning');
    const accBefore = await accuracy(ir, split?.val);
    // Without fine-tuning a schedule changes nothing: prune once to the target.
    const schedule = ft.epochs > 0 ? cubicSchedule(sparsity, Number(params.steps)) : [sparsity];
    let cur = g;
    for (const [i, s] of schedule.entries()) {
      applyMagnitudeMasks(cur, { sparsity: s, scope, skipBelow });
      log.progress(`prune-weights: step ${i + 1}/${schedule.length}, sparsity ${pct(s)}`, (i + 1) / schedule.length);
      // Decaying the rate lets the last, gentlest steps settle instead of bouncing around the masked optimum.
      const o = { ...ft, epochs: ft.epochs / schedule.length, seed: ft.seed + i, lr: ft.lr * lrDecay ** i };
      // The unpruned model as teacher (Hinton distillation): its soft outputs carry more than the labels.
      if (ft.epochs > 0)
        cur =
          alpha > 0
            ? await distillTrain(cur, [ir], split!.train, { ...o, alpha, temperature: Number(params.temperature) })
            : await fineTune(cur, split!.train, o);
    }
    const accAfter = await accuracy(cur, split?.val);
    const layers: LayerRow[] = weights.map((w) => {
      const t = cur.tensors[w.tensor]!;
      const n = product(t.shape);
      const kept = keptFraction(cur, w.tensor);
      const bytes = n * 4;
      return {
        node: w.node,
        op: w.op,
        params: n,
        bytes_before: bytes,
        bytes_after: bytes,
        kept_percent: Math.round(kept * 10000) / 100,
        nonzero: Math.round(kept * n),
      };
    });
    const kept = layers.reduce((s, l) => s + (l.nonzero as number), 0);
    const total = layers.reduce((s, l) => s + l.params, 0);
    const report: CompressReport = {
      name: 'prune-weights',
      options: { ...params },
      ...compareFigures(ir, cur, accBefore, accAfter),
      layers,
      notes: [
        `${kept} of ${total} weights kept (${pct(kept / Math.max(1, total))}); dense storage is unchanged until a sparse or clustered encoding packs the zeros`,
        `top-1 ${pct(accBefore)} → ${pct(accAfter)} ${split?.valLabel ?? '(no labelled data to measure on)'}${alpha > 0 ? ` (fine-tuned with distillation from the unpruned model, α=${alpha})` : ''}`,
        'unstructured sparsity saves flash (with sparse storage) but not time: every MAC still runs',
      ],
    };
    return { ir: cur, report };
  },
};
