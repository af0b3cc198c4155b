// Per-layer rows of the quantize-int8 report: bytes before/after, output scale and zero point, weight scale range,
// and the SQNR of each layer's int8 output against the float graph on a few calibration samples.

import type { Graph, TensorData } from '../ir/graph.ts';
import { storedBytes } from '../ir/stats.ts';
import { runGraph } from '../reference/interpreter.ts';
import { dequantizeArray, quantizeArray } from '../reference/quant.ts';
import type { LayerRow } from './pass.ts';

/** Signal-to-quantization-noise ratio in dB of each i8 activation of `q` against the same tensor in `f`. */
export function layerSqnr(f: Graph, q: Graph, samples: Record<string, TensorData>[]): Record<string, number> {
  const signal: Record<string, number> = Object.create(null);
  const noise: Record<string, number> = Object.create(null);
  for (const sample of samples) {
    const qIn: Record<string, TensorData> = Object.create(null);
    for (const name of q.inputs) qIn[name] = quantizeArray(sample[name], q.tensors[name].quant!);
    const fv = runGraph(f, sample, { collect: true }).values!;
    const qv = runGraph(q, qIn, { collect: true }).values!;
    for (const [name, data] of Object.entries(qv)) {
      const t = q.tensors[name];
      const ref = fv[name];
      if (t.dtype !== 'i8' || !ref || !t.quant) continue;
      const d = dequantizeArray(data, t.quant);
      for (let i = 0; i < d.length; i++) {
        signal[name] = (signal[name] ?? 0) + ref[i] * ref[i];
        noise[name] = (noise[name] ?? 0) + (ref[i] - d[i]) ** 2;
      }
    }
  }
  const out: Record<string, number> = Object.create(null);
  for (const name of Object.keys(signal)) out[name] = noise[name] > 0 ? 10 * Math.log10(signal[name] / noise[name]) : Infinity;
  return out;
}

/** One row per node of the float graph `f`, describing what quantization made of it in `q`. */
export function layerRows(f: Graph, q: Graph, samples: Record<string, TensorData>[]): LayerRow[] {
  const sqnr = samples.length ? layerSqnr(f, q, samples) : {};
  return f.nodes.map((n) => {
    const consts = n.inputs.filter((i) => i && f.tensors[i]?.data);
    const out = q.tensors[n.outputs[0]];
    const wq = n.inputs[1] ? q.tensors[n.inputs[1]]?.quant : undefined;
    const s = sqnr[n.outputs[0]];
    return {
      node: n.name,
      op: n.op,
      params: consts.reduce((a, i) => a + f.tensors[i].data!.length, 0),
      bytes_before: consts.reduce((a, i) => a + storedBytes(f.tensors[i]), 0),
      bytes_after: consts.reduce((a, i) => a + (q.tensors[i] ? storedBytes(q.tensors[i]) : 0), 0),
      output_scale: out?.quant?.scale[0] ?? null,
      output_zero_point: out?.quant?.zeroPoint[0] ?? null,
      weight_scale_min: wq && n.inputs[1] && f.tensors[n.inputs[1]].data ? Math.min(...wq.scale) : null,
      weight_scale_max: wq && n.inputs[1] && f.tensors[n.inputs[1]].data ? Math.max(...wq.scale) : null,
      sqnr_db: s === undefined ? null : Number.isFinite(s) ? Math.round(s * 100) / 100 : null,
    };
  });
}
