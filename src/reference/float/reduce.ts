// ReduceMean / ReduceMax / ReduceSum reference. Each output element gathers its inputs in row-major order and
// accumulates in float32, as firmware/kernels/reduce/tfg_reduce_f32.c does; the mean divides the float32 sum by the count.
import type { Node } from '../../ir/graph.ts';
import { reducedShape } from '../../ir/ops/reduce.ts';
import type { Kernel, Value } from '../kernel.ts';
import { attrsOf, floats, stridesOf } from './support.ts';

/** For each input element (row-major), the index of the output element it reduces into. */
export function reduceTargets(shape: readonly number[], axes: readonly number[]): Int32Array {
  const outShape = reducedShape(shape, axes, true);
  const outStrides = stridesOf(outShape);
  const total = shape.reduce((p, d) => p * d, 1);
  const target = new Int32Array(total);
  const idx = new Array<number>(shape.length).fill(0);
  let o = 0;
  for (let i = 0; i < total; i++) {
    target[i] = o;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d]++;
      if (!axes.includes(d)) o += outStrides[d];
      if (idx[d] < shape[d]) break;
      if (!axes.includes(d)) o -= outStrides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return target;
}

type Mode = 'mean' | 'max' | 'sum';

function reduceFloat(node: Node, x: Value | undefined, mode: Mode): Float32Array {
  const { axes } = attrsOf(node, 'ReduceSum');
  const xd = floats(x, 'input');
  const target = reduceTargets(x!.shape, axes);
  const outCount = reducedShape(x!.shape, axes, true).reduce((p, d) => p * d, 1);
  const y = new Float32Array(outCount).fill(mode === 'max' ? -Infinity : 0);
  for (let i = 0; i < xd.length; i++) {
    const o = target[i];
    y[o] = mode === 'max' ? (xd[i] > y[o] ? xd[i] : y[o]) : Math.fround(y[o] + xd[i]);
  }
  if (mode === 'mean') {
    const count = xd.length / outCount;
    for (let o = 0; o < outCount; o++) y[o] = Math.fround(y[o] / count);
  }
  return y;
}

export const reduceMean: Kernel = (node, [x]) => [reduceFloat(node, x, 'mean')];
export const reduceMax: Kernel = (node, [x]) => [reduceFloat(node, x, 'max')];
export const reduceSum: Kernel = (node, [x]) => [reduceFloat(node, x, 'sum')];
