// 4-bit weights with int8 activations: the int8 PTQ pass, then each Dense/Conv2D weight re-quantized per output channel
// to symmetric 4 bits (q in [−7, 7]; scale = the clipping c_c / 7 with c_c chosen per channel to minimise the squared
// weight error, or max|w_c| with clip: 'max') from the float weights, its int32 bias re-derived (s_in·s_w[c]); stored
// two per byte. The int8 kernels' arithmetic is unchanged, so C stays bit-exact.
import { TinyforgeError } from '../diagnostics.ts';
import { cloneGraph, type Graph } from '../ir/graph.ts';
import { clamp, roundHalfAway } from '../reference/quant.ts';
import { compressionRows } from './deep-compression-table.ts';
import { graphSize, layerNotApplicable, type Pass, type PassReport } from './pass.ts';
import { quantizeBias } from './quant-params.ts';
import { quantizeInt8 } from './quantize-int8.ts';

export type ClipMode = 'mse' | 'max';

/** Squared error of quantizing `w[from..from+n)` with step `s` to [−7, 7]. */
function int4Error(w: Float32Array, from: number, n: number, s: number): number {
  let e = 0;
  for (let i = from; i < from + n; i++) e += (w[i] - s * clamp(roundHalfAway(w[i] / s), -7, 7)) ** 2;
  return e;
}

/** Per-channel 4-bit scale: max|w|/7, or (mse) the clipping in [0.3, 1]·max|w| that minimises the squared error —
 *  with 15 levels, clipping a few outliers buys finer steps for the bulk of the weights. */
export function int4Scale(w: Float32Array, from: number, n: number, mode: ClipMode): number {
  let m = 0;
  for (let i = from; i < from + n; i++) m = Math.max(m, Math.abs(w[i]));
  if (m === 0) return 1;
  let best = Math.fround(m / 7);
  if (mode === 'max') return best;
  let bestErr = int4Error(w, from, n, best);
  for (let k = 30; k < 100; k++) {
    const s = Math.fround((m * k) / 100 / 7);
    const e = int4Error(w, from, n, s);
    if (e < bestErr) {
      bestErr = e;
      best = s;
    }
  }
  return best;
}

/** Re-quantizes the int8 weights of Dense/Conv2D nodes of `q` (from the float weights of `f`) to 4 bits. */
export function toInt4(f: Graph, q: Graph, skip: Set<string> = new Set(), clip: ClipMode = 'mse'): { graph: Graph; layers: string[] } {
  const g = cloneGraph(q);
  const layers: string[] = [];
  for (const n of g.nodes) {
    if ((n.op !== 'Dense' && n.op !== 'Conv2D') || skip.has(n.name)) continue;
    const t = g.tensors[n.inputs[1]];
    const src = f.tensors[n.inputs[1]];
    if (!t?.data || t.dtype !== 'i8' || !src?.data || src.dtype !== 'f32' || !t.quant) continue;
    const w = src.data as Float32Array;
    const out = t.shape[0];
    const row = w.length / out;
    const scale: number[] = [];
    const data = new Int8Array(w.length);
    for (let c = 0; c < out; c++) {
      scale.push(int4Scale(w, c * row, row, clip));
      for (let i = 0; i < row; i++) data[c * row + i] = clamp(roundHalfAway(w[c * row + i] / scale[c]), -7, 7);
    }
    t.data = data;
    t.quant = { scale, zeroPoint: scale.map(() => 0), axis: 0 };
    t.storage = { kind: 'int4' };
    const bName = n.inputs[2];
    if (bName && f.tensors[bName]?.data) {
      const inScale = g.tensors[n.inputs[0]].quant!.scale[0];
      const b = quantizeBias(f.tensors[bName].data as Float32Array, inScale, scale);
      g.tensors[bName] = { ...g.tensors[bName], data: b.data, quant: b.quant };
    }
    layers.push(n.name);
  }
  return { graph: g, layers };
}

export const int4: Pass = {
  name: 'int4',
  description: 'per-channel symmetric 4-bit weights (two per byte) with int8 activations, on top of int8 PTQ',
  params: {
    ...quantizeInt8.params,
    keep_first: { type: 'boolean', default: false, description: 'keep the first Dense/Conv2D layer at 8-bit weights' },
    keep_last: { type: 'boolean', default: false, description: 'keep the last Dense/Conv2D layer at 8-bit weights' },
    clip: {
      type: 'enum',
      values: ['mse', 'max'],
      default: 'mse',
      description: "per-channel range: 'mse' = clipping with the least squared weight error, 'max' = max |w|",
    },
  },
  async run(ir, options, log) {
    const { params, data } = options;
    const { keep_first, keep_last, clip, ...ptqParams } = params;
    const ptq = await quantizeInt8.run(ir, { params: ptqParams, data }, log);
    const weighted = ir.nodes.filter((n) => n.op === 'Dense' || n.op === 'Conv2D').map((n) => n.name);
    if (weighted.length === 0) {
      throw new TinyforgeError('nothing-to-compress', `int4: "${ir.name}" has no Dense or Conv2D layer`, {
        hint: 'use quantize-int8 for this model',
      });
    }
    const skip = new Set<string>();
    for (const n of ir.nodes) {
      if (n.op === 'DepthwiseConv2D') layerNotApplicable('int4', n, 'there is no 4-bit depthwise kernel; it stays int8', options, log);
      const stored = n.op === 'Dense' || n.op === 'Conv2D' ? ir.tensors[n.inputs[1]]?.storage : undefined;
      if (stored && stored.kind !== 'dense') {
        layerNotApplicable(
          'int4',
          n,
          `its weights are already stored ${stored.kind} by an earlier step (int4 would undo it)`,
          options,
          log,
        );
        skip.add(n.name); // skipped: the layer keeps its storage, in int8
      }
    }
    if (keep_first) skip.add(weighted[0]);
    if (keep_last) skip.add(weighted[weighted.length - 1]);
    const { graph, layers } = toInt4(ir, ptq.ir, skip, clip as ClipMode);
    const before = graphSize(ir);
    const after = graphSize(graph);
    const report: PassReport & Record<string, unknown> = {
      name: 'int4',
      options: { ...params },
      params_before: before.params,
      params_after: after.params,
      bytes_before: before.bytes,
      bytes_after: after.bytes,
      layers: compressionRows(graph, ir),
      notes: [
        ...ptq.report.notes,
        `4-bit weights (${clip} clipping) in ${layers.length} layers: ${layers.join(', ')}; ${skip.size ? `8-bit kept: ${[...skip].join(', ')}` : 'no layer kept at 8 bits'}`,
      ],
    };
    return { ir: graph, report };
  },
};
