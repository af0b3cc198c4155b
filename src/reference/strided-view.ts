// Where each output element of the copy-only ops (Slice, Expand, ChannelShuffle, Gather, reflect/edge Pad) reads from.
// The reference kernels and the C emitters both take the layout from here, so the C parameters and the reference
// cannot disagree.
import { product, type Node, type TensorData } from '../ir/graph.ts';
import { normalizeAxis } from '../ir/ops/op-def.ts';
import { sliceCount } from '../ir/ops/slice.ts';
import { stridesOf } from './float/support.ts';

/** out[i] = in[offset + Σ i_d · inStrides[d]], i walking outDims row-major (tfg_strided_copy_params in C). */
export interface StridedView {
  outDims: number[];
  inStrides: number[];
  offset: number;
}

/** The strided view of a Slice, Expand or ChannelShuffle on an input of `inShape`. */
export function stridedView(node: Node<'Slice' | 'Expand' | 'ChannelShuffle'>, inShape: readonly number[]): StridedView {
  const strides = stridesOf(inShape);
  if (node.op === 'Slice') {
    const { starts, ends, steps } = node.attrs;
    return {
      outDims: inShape.map((_, d) => sliceCount(starts[d], ends[d], steps[d])),
      inStrides: strides.map((s, d) => s * steps[d]),
      offset: starts.reduce((sum, s, d) => sum + s * strides[d], 0),
    };
  }
  if (node.op === 'Expand')
    return { outDims: [...node.attrs.shape], inStrides: strides.map((s, d) => (inShape[d] === 1 ? 0 : s)), offset: 0 };
  const c = inShape[inShape.length - 1];
  const g = node.attrs.groups;
  return { outDims: [product(inShape) / c, c / g, g], inStrides: [c, 1, c / g], offset: 0 };
}

/** The same view with neighbouring dims merged where the outer one steps over the whole inner one, so the C kernel's
 *  innermost loop runs as long as it can (a channel slice of NHWC becomes [pixels, channels]). */
export function collapseView(view: StridedView): StridedView {
  const dims = [view.outDims[0]];
  const strides = [view.inStrides[0]];
  for (let d = 1; d < view.outDims.length; d++) {
    const k = dims.length - 1;
    if (dims[k] === 1) {
      dims[k] = view.outDims[d];
      strides[k] = view.inStrides[d];
    } else if (view.outDims[d] === 1) continue;
    else if (strides[k] === view.inStrides[d] * view.outDims[d]) {
      dims[k] *= view.outDims[d];
      strides[k] = view.inStrides[d];
    } else {
      dims.push(view.outDims[d]);
      strides.push(view.inStrides[d]);
    }
  }
  return { outDims: dims, inStrides: strides, offset: view.offset };
}

/** A new array of src's type holding the view's elements. */
export function copyStrided<T extends TensorData>(src: T, view: StridedView): T {
  const { outDims, inStrides } = view;
  const y = new (src.constructor as new (n: number) => T)(product(outDims));
  const rank = outDims.length;
  const idx = new Array<number>(rank).fill(0);
  let from = view.offset;
  for (let i = 0; i < y.length; i++) {
    y[i] = src[from];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      from += inStrides[d];
      if (idx[d] < outDims[d]) break;
      from -= inStrides[d] * outDims[d];
      idx[d] = 0;
    }
  }
  return y;
}

/** Gather as rows: for each of `outer` blocks, the `inner`-element rows at `indices` of the `axisDim` rows. */
export interface GatherRows {
  outer: number;
  axisDim: number;
  inner: number;
  indices: number[];
}

export function gatherRows(node: Node<'Gather'>, inShape: readonly number[]): GatherRows {
  const axis = normalizeAxis(node.attrs.axis, inShape.length)!;
  return {
    outer: product(inShape.slice(0, axis)),
    axisDim: inShape[axis],
    inner: product(inShape.slice(axis + 1)),
    indices: node.attrs.indices,
  };
}

export function copyGather<T extends TensorData>(src: T, r: GatherRows): T {
  const y = new (src.constructor as new (n: number) => T)(r.outer * r.indices.length * r.inner);
  let o = 0;
  for (let b = 0; b < r.outer; b++)
    for (const k of r.indices) {
      const from = (b * r.axisDim + k) * r.inner;
      for (let i = 0; i < r.inner; i++) y[o++] = src[from + i];
    }
  return y;
}

/** The input index that output index `i` of a reflect/edge-padded axis (size n, `begin` padded before) reads. */
export function mirrorIndex(mode: 'reflect' | 'edge', i: number, begin: number, n: number): number {
  const j = i - begin;
  if (mode === 'edge') return j < 0 ? 0 : j >= n ? n - 1 : j;
  return j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j;
}

/** Reflect/edge padding: every output element is an input element (ONNX Pad's non-constant modes). */
export function copyMirrorPad<T extends TensorData>(
  src: T,
  inShape: readonly number[],
  outShape: readonly number[],
  pads: readonly number[],
  mode: 'reflect' | 'edge',
): T {
  const y = new (src.constructor as new (n: number) => T)(product(outShape));
  const rank = outShape.length;
  const inStrides = stridesOf(inShape);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < y.length; o++) {
    let from = 0;
    for (let d = 0; d < rank; d++) from += mirrorIndex(mode, idx[d], pads[d], inShape[d]) * inStrides[d];
    y[o] = src[from];
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
  return y;
}
