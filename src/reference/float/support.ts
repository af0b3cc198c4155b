// Helpers shared by the float reference kernels: typed attrs, fused activations, NHWC indexing, broadcasting.
import type { Activation, Node, OpAttrs, OpType } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';

/** The node's attrs typed for its op (the registry guarantees the op matches). */
export function attrsOf<K extends OpType>(node: Node, _op: K): OpAttrs[K] {
  return node.attrs as OpAttrs[K];
}

/** Fused activation on one value; relu6 clamps to [0, 6] like ONNX Clip(0, 6). */
export function activate(x: number, act: Activation): number {
  if (act === 'relu') return x > 0 ? x : 0;
  if (act === 'relu6') return x < 0 ? 0 : x > 6 ? 6 : x;
  return x;
}

/** The float values of an input (throws a plain Error, a bug, when a float kernel gets integer data). */
export function floats(v: Value | undefined, what: string): Float32Array {
  if (!(v?.data instanceof Float32Array)) throw new Error(`float kernel expected f32 ${what}, got ${v ? v.dtype : 'nothing'}`);
  return v.data;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Strides of `shape` seen through numpy broadcasting to `outShape` (0 where the dim is stretched or missing). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = stridesOf(shape);
  const off = outShape.length - shape.length;
  return outShape.map((_, i) => (i < off || shape[i - off] === 1 ? 0 : own[i - off]));
}

/** out[i] = fn(a[ia], b[ib]) over the broadcast output shape. */
export function broadcastBinary(a: Value, b: Value, outShape: readonly number[], fn: (x: number, y: number) => number): Float32Array {
  const x = floats(a, 'input A');
  const y = floats(b, 'input B');
  const total = outShape.reduce((p, d) => p * d, 1);
  const out = new Float32Array(total);
  const sa = broadcastStrides(a.shape, outShape);
  const sb = broadcastStrides(b.shape, outShape);
  const rank = outShape.length;
  const idx = new Array<number>(rank).fill(0);
  let ia = 0;
  let ib = 0;
  for (let i = 0; i < total; i++) {
    out[i] = fn(x[ia], y[ib]);
    // Odometer increment over the output index, keeping both input offsets in step.
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      ia += sa[d];
      ib += sb[d];
      if (idx[d] < outShape[d]) break;
      ia -= sa[d] * outShape[d];
      ib -= sb[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** out[i] = fn(x[i]) for the unary element-wise ops. */
export function mapFloat(v: Value | undefined, fn: (x: number) => number): Float32Array {
  const x = floats(v, 'input');
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = fn(x[i]);
  return out;
}
