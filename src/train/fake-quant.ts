// Quantization-aware training forward: the graph run in tfjs with every int8 activation fake-quantized (TFLite int8:
// asymmetric, ranges from calibration) and weights fake-quantized per output channel (symmetric ±127), gradients passing
// straight through inside the range (STE). Covers the ops int8 CNN/MLP classifiers use; others are refused.
import { tf } from './tf.ts';
import { TinyforgeError } from '../diagnostics.ts';
import type { Activation, Graph, Pads } from '../ir/graph.ts';
import { clamp, roundHalfAway } from '../reference/quant.ts';
import { fakeQuantize } from './ste.ts';
import type { TfjsModel } from './to-tfjs.ts';

export const QAT_OPS = ['Dense', 'Conv2D', 'DepthwiseConv2D', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'Add', 'Relu', 'Clip', 'Reshape', 'Transpose', 'Softmax'] as const;

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
  const bad = g.nodes.filter((n) => !(QAT_OPS as readonly string[]).includes(n.op) || (n.op === 'Conv2D' && (n.attrs.groups !== 1 || n.attrs.dilations.some((d) => d !== 1))));
  if (bad.length) {
    throw new TinyforgeError('untrainable-graph', `${bad.length} node(s) of "${g.name}" cannot run in quantization-aware training`, {
      notes: bad.map((n) => `node "${n.name}" (${n.op})`),
      hint: `QAT supports ${QAT_OPS.join(', ')} (ungrouped, undilated conv); use quantize-int8 (PTQ) for this model`,
    });
  }
}

const act = (x: tf.Tensor, a: Activation) => (a === 'relu' ? tf.relu(x) : a === 'relu6' ? tf.relu6(x) : x);
const pads4 = (p: Pads): [[number, number], [number, number], [number, number], [number, number]] => [[0, 0], [p[0], p[2]], [p[1], p[3]], [0, 0]];
const anyPad = (p: Pads) => p.some((v) => v !== 0);

/** Runs `model` on x with fake-quantized activations (`quant`: tensor name → int8 params) up to `until`. */
export function qatForward(model: TfjsModel, x: tf.Tensor, quant: Record<string, ActQuant>, until: string): tf.Tensor {
  const g = model.graph;
  const env = new Map<string, tf.Tensor>();
  const fq = (name: string, t: tf.Tensor) => (quant[name] ? fakeQuantize(t, quant[name].scale, quant[name].zeroPoint) : t);
  env.set(g.inputs[0], fq(g.inputs[0], x));
  const get = (name: string) => env.get(name) ?? model.variables.get(name)!;
  const batch = x.shape[0]!;
  for (const n of g.nodes) {
    const xs = n.inputs.map((i) => (i ? get(i) : undefined));
    const a = xs[0]!;
    let y: tf.Tensor;
    switch (n.op) {
      case 'Dense': {
        const m = tf.matMul(tf.reshape(a, [batch, -1]), xs[1]!, false, true);
        y = act(xs[2] ? tf.add(m, xs[2]) : m, n.attrs.activation);
        break;
      }
      case 'Conv2D': {
        const c = tf.conv2d(a as tf.Tensor4D, tf.transpose(xs[1]!, [1, 2, 3, 0]) as tf.Tensor4D, n.attrs.strides, anyPad(n.attrs.pads) ? pads4(n.attrs.pads) : 'valid');
        y = act(xs[2] ? tf.add(c, xs[2]) : c, n.attrs.activation);
        break;
      }
      case 'DepthwiseConv2D': {
        const [, kh, kw] = xs[1]!.shape as number[];
        const w = tf.reshape(xs[1]!, [kh!, kw!, a.shape[3]!, n.attrs.multiplier]) as tf.Tensor4D;
        const c = tf.depthwiseConv2d(a as tf.Tensor4D, w, n.attrs.strides, anyPad(n.attrs.pads) ? pads4(n.attrs.pads) : 'valid');
        y = act(xs[2] ? tf.add(c, xs[2]) : c, n.attrs.activation);
        break;
      }
      case 'MaxPool': {
        const p = anyPad(n.attrs.pads) ? tf.pad(a, pads4(n.attrs.pads), -3.4e38) : a;
        y = act(tf.maxPool(p as tf.Tensor4D, n.attrs.kernel, n.attrs.strides, 'valid'), n.attrs.activation);
        break;
      }
      case 'AveragePool':
        if (anyPad(n.attrs.pads)) throw new TinyforgeError('untrainable-graph', `node "${n.name}": padded AveragePool is not supported in QAT`, { location: { node: n.name, op: n.op } });
        y = act(tf.avgPool(a as tf.Tensor4D, n.attrs.kernel, n.attrs.strides, 'valid'), n.attrs.activation);
        break;
      case 'GlobalAveragePool': y = tf.mean(a, [1, 2], true); break;
      case 'Add': y = act(tf.add(a, xs[1]!), n.attrs.activation); break;
      case 'Relu': y = tf.relu(a); break;
      case 'Clip': y = tf.clipByValue(a, n.attrs.min, n.attrs.max); break;
      case 'Reshape': {
        const shape = [...g.tensors[n.outputs[0]].shape];
        shape[0] = batch;
        y = tf.reshape(a, shape);
        break;
      }
      case 'Transpose': y = tf.transpose(a, n.attrs.perm); break; // ONNX imports keep NCHW⇄NHWC pairs; the batch axis stays first
      case 'Softmax': y = tf.softmax(a); break;
      default: throw new TinyforgeError('untrainable-graph', `op ${n.op} cannot run in QAT`, { location: { node: n.name, op: n.op } });
    }
    env.set(n.outputs[0], fq(n.outputs[0], y));
    if (n.outputs[0] === until) break;
  }
  return get(until);
}
