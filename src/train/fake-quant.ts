// Quantization-aware training forward: the training forward (to-tfjs.ts) with every int8 activation fake-quantized
// (TFLite int8: asymmetric, ranges from calibration) and weights fake-quantized per output channel (symmetric ±127),
// gradients passing straight through inside the range (STE). Covers the ops int8 CNN/MLP classifiers use; others are
// refused.
import { tf } from './tf.ts';
import { TinyforgeError } from '../diagnostics.ts';
import type { Graph, OpType } from '../ir/graph.ts';
import { clamp, roundHalfAway } from '../reference/quant.ts';
import { fakeQuantize } from './ste.ts';
import type { TfjsModel } from './to-tfjs.ts';

/** The ops QAT fake-quantizes: those whose int8 kernels int8 CNN/MLP classifiers use. */
export const QAT_OPS = [
  'Dense',
  'Conv2D',
  'DepthwiseConv2D',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'Add',
  'Relu',
  'Clip',
  'Reshape',
  'Transpose',
  'Softmax',
] as const satisfies readonly OpType[];

export interface ActQuant {
  scale: number;
  zeroPoint: number;
}

/** Per-output-channel symmetric int8 fake quantization of a weight array (axis 0): TFLite's weight scheme. */
export function fakeQuantWeights(w: Float32Array, out: number): Float32Array {
  const row = w.length / out;
  const y = new Float32Array(w.length);
  for (let c = 0; c < out; c++) {
    let m = 0;
    for (let i = 0; i < row; i++) m = Math.max(m, Math.abs(w[c * row + i]));
    const s = m > 0 ? Math.fround(m / 127) : 1;
    for (let i = 0; i < row; i++) y[c * row + i] = clamp(roundHalfAway(w[c * row + i] / s), -127, 127) * s;
  }
  return y;
}

/** Checks the graph can be trained with fake quantization; one error lists every node that cannot. */
export function checkQatGraph(g: Graph): void {
  const bad = g.nodes.filter(
    (n) =>
      !(QAT_OPS as readonly string[]).includes(n.op) ||
      (n.op === 'Conv2D' && (n.attrs.groups !== 1 || n.attrs.dilations.some((d) => d !== 1))),
  );
  if (bad.length) {
    throw new TinyforgeError('untrainable-graph', `${bad.length} node(s) of "${g.name}" cannot run in quantization-aware training`, {
      notes: bad.map((n) => `node "${n.name}" (${n.op})`),
      hint: `QAT supports ${QAT_OPS.join(', ')} (ungrouped, undilated conv); use quantize-int8 (PTQ) for this model`,
    });
  }
}

/** Runs `model` on x with fake-quantized activations (`quant`: tensor name → int8 params) up to `until`: the training
 *  forward with every quantized tensor fake-quantized as it is computed. */
export function qatForward(model: TfjsModel, x: tf.Tensor, quant: Record<string, ActQuant>, until: string): tf.Tensor {
  const observe = (name: string, t: tf.Tensor) => (quant[name] ? fakeQuantize(t, quant[name].scale, quant[name].zeroPoint) : t);
  return model.forward({ [model.graph.inputs[0]]: x }, [until], { observe, until })[until];
}
