// 4-bit weights with int8 activations: the int8 PTQ pass, then each Dense/Conv2D weight re-quantized per output channel
// to symmetric 4 bits (scale = max|w_c| / 7, q in [−7, 7]) from the float weights, its int32 bias re-derived
// (s_in·s_w[c]); stored two per byte. The int8 kernels' arithmetic is unchanged, so C stays bit-exact.
import { TinyforgeError } from '../diagnostics.ts';
import { cloneGraph, type Graph } from '../ir/graph.ts';
import { clamp, roundHalfAway } from '../reference/quant.ts';
import { compressionRows, weightRatio } from './deep-compression-table.ts';
import { graphSize, layerNotApplicable, type Pass, type PassReport } from './pass.ts';
import { quantizeBias } from './quant-params.ts';
import { quantizeInt8 } from './quantize-int8.ts';

/** Re-quantizes the int8 weights of Dense/Conv2D nodes of `q` (from the float weights of `f`) to 4 bits. */
export function toInt4(f: Graph, q: Graph, skip: Set<string> = new Set()): { graph: Graph; layers: string[] } {
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
      let m = 0;
      for (let i = 0; i < row; i++) m = Math.max(m, Math.abs(w[c * row + i]));
      scale.push(m > 0 ? Math.fround(m / 7) : 1);
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
  },
  async run(ir, options, log) {
    const { params, data } = options;
    const { keep_first, keep_last, ...ptqParams } = params;
    const ptq = await quantizeInt8.run(ir, { params: ptqParams, data }, log);
    const weighted = ir.nodes.filter((n) => n.op === 'Dense' || n.op === 'Conv2D').map((n) => n.name);
    if (weighted.length === 0) {
      throw new TinyforgeError('nothing-to-compress', `int4: "${ir.name}" has no Dense or Conv2D layer`, { hint: 'use quantize-int8 for this model' });
    }
    for (const n of ir.nodes) {
      if (n.op === 'DepthwiseConv2D') layerNotApplicable('int4', n, 'there is no 4-bit depthwise kernel; it stays int8', options, log);
    }
    const skip = new Set<string>();
    if (keep_first) skip.add(weighted[0]);
    if (keep_last) skip.add(weighted[weighted.length - 1]);
    const { graph, layers } = toInt4(ir, ptq.ir, skip);
    const before = graphSize(ir);
    const after = graphSize(graph);
    const r = weightRatio(graph);
    const report: PassReport & Record<string, unknown> = {
      name: 'int4',
      options: { ...params },
      params_before: before.params,
      params_after: after.params,
      bytes_before: before.bytes,
      bytes_after: after.bytes,
      ratio: r.ratio,
      layers: compressionRows(graph, ir),
      notes: [...ptq.report.notes, `4-bit weights in ${layers.length} layers: ${layers.join(', ')}; ${skip.size ? `8-bit kept: ${[...skip].join(', ')}` : 'no layer kept at 8 bits'}`],
    };
    return { ir: graph, report };
  },
};
