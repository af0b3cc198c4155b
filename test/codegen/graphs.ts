// Test fixtures: seeded random data and small float / int8 graphs (int8 laid out like the PTQ pass's output).
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Activation, Graph, QuantParams } from '../../src/ir/graph.ts';
import { product } from '../../src/ir/graph.ts';

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const randF32 = (r: () => number, n: number, lo = -1, hi = 1): Float32Array =>
  Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
export const randI8 = (r: () => number, n: number, lo = -128, hi = 127): Int8Array =>
  Int8Array.from({ length: n }, () => lo + Math.floor((hi - lo + 1) * r()));
export const randI32 = (r: () => number, n: number, lo: number, hi: number): Int32Array =>
  Int32Array.from({ length: n }, () => lo + Math.floor((hi - lo + 1) * r()));

export const q = (scale: number, zeroPoint: number): QuantParams => ({ scale: [Math.fround(scale)], zeroPoint: [zeroPoint] });
export const qAxis = (scales: number[], axis: number): QuantParams => ({
  scale: scales.map(Math.fround),
  zeroPoint: scales.map(() => 0),
  axis,
});

/** A float CNN: conv3x3(pad 1) relu → maxpool 2 → conv (stride 2, dilation) → reshape → dense relu → dense → softmax. */
export function floatCnn(seed = 1): Graph {
  const r = rng(seed);
  const b = new GraphBuilder('float cnn');
  const x = b.input('image/in:0', [1, 8, 8, 2]);
  const w1 = b.constant('conv1.weight', randF32(r, 4 * 3 * 3 * 2, -0.5, 0.5), [4, 3, 3, 2]);
  const b1 = b.constant('conv1.bias', randF32(r, 4, -0.1, 0.1), [4]);
  const c1 = b.node('Conv2D', [x, w1, b1], { pads: [1, 1, 1, 1], activation: 'relu' }, 'conv1');
  const p1 = b.node('MaxPool', [c1], { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] }, 'pool1');
  const w2 = b.constant('conv2.weight', randF32(r, 6 * 2 * 2 * 4, -0.5, 0.5), [6, 2, 2, 4]);
  const c2 = b.node('Conv2D', [p1, w2, ''], { strides: [1, 1], dilations: [2, 2], pads: [1, 1, 0, 0] }, 'conv2');
  const f = b.node('Reshape', [c2], { shape: [1, -1] }, 'flatten');
  const n = product([1, 3, 3, 6]);
  const w3 = b.constant('fc1.weight', randF32(r, 10 * n, -0.3, 0.3), [10, n]);
  const b3 = b.constant('fc1.bias', randF32(r, 10, -0.1, 0.1), [10]);
  const d1 = b.node('Dense', [f, w3, b3], { activation: 'relu' }, 'fc1');
  const w4 = b.constant('fc2.weight', randF32(r, 5 * 10, -0.5, 0.5), [5, 10]);
  const d2 = b.node('Dense', [d1, w4, ''], {}, 'fc2');
  const y = b.node('Softmax', [d2], { axis: -1, beta: 1 }, 'probs');
  b.output(y);
  return b.build();
}

export interface QLayer {
  /** output scale / zero point */
  scale: number;
  zp: number;
}

/** An int8 MLP like TFLite's: i8 input, per-channel int8 weights, i32 biases, i8 activations, int8 softmax. */
/** `perTensor`: one weight scale per layer (TFLite's fully-connected layers), else one per output row. `head`: the int8
 *  softmax, or ArgMax (an int32 class index). */
export function int8Mlp(
  sizes: number[],
  seed = 2,
  activation: Activation = 'relu',
  perTensor = false,
  head: 'softmax' | 'argmax' = 'softmax',
): Graph {
  const r = rng(seed);
  const b = new GraphBuilder('int8 mlp');
  let inScale = 0.02;
  let h = b.input('x', [1, sizes[0]], 'i8', q(inScale, -5));
  for (let l = 1; l < sizes.length; l++) {
    const [nin, nout] = [sizes[l - 1], sizes[l]];
    const scale0 = 0.002 + 0.01 * r();
    const wScales = Array.from({ length: nout }, (_, o) => (perTensor || o === 0 ? scale0 : 0.002 + 0.01 * r()));
    const w = b.constant(`fc${l}.weight`, randI8(r, nin * nout, -127, 127), [nout, nin], qAxis(wScales, 0));
    const bias = b.constant(`fc${l}.bias`, randI32(r, nout, -2000, 2000), [nout], {
      scale: wScales.map((s) => Math.fround(s * inScale)),
      zeroPoint: wScales.map(() => 0),
      axis: 0,
    });
    const outScale = 0.05 + 0.1 * r();
    const last = l === sizes.length - 1;
    h = b.node(
      'Dense',
      [h, w, bias],
      { activation: last ? 'none' : activation },
      { name: `fc${l}`, dtype: 'i8', quant: q(outScale, last ? 3 : -128 + Math.floor(r() * 20)) },
    );
    inScale = Math.fround(outScale);
  }
  const y =
    head === 'argmax'
      ? b.node('ArgMax', [h], { axis: 1, keepdims: false, selectLastIndex: false }, { name: 'class', dtype: 'i32' })
      : b.node('Softmax', [h], { axis: -1, beta: 1 }, { name: 'probs', dtype: 'i8', quant: q(1 / 256, -128) });
  b.output(y);
  return b.build();
}
