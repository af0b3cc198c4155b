// ArgMax / ArgMin reference: for each position outside the axis, walk the axis in order and keep the index of the
// extreme value; a tie replaces it only with selectLastIndex. firmware/kernels/reduce/tfg_arg_reduce_f32.c and
// tfg_arg_reduce_s8.c walk the same order with the same comparisons, so C and reference agree exactly.
import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Kernel, Value } from '../kernel.ts';
import { attrsOf } from './support.ts';

/** The axis as [outer, axis length, inner] blocks of a row-major tensor. */
export function argReduceBlocks(shape: readonly number[], axis: number): { outer: number; axisDim: number; inner: number } {
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  return { outer, axisDim: shape[axis], inner };
}

/** Indices of the extreme values; any numeric data (float values, or int8 codes, whose order is their values' order). */
export function argReduceValues(node: Node, x: Value): Int32Array {
  const { axis, selectLastIndex } = attrsOf(node, 'ArgMax');
  const findMin = node.op === 'ArgMin';
  const { outer, axisDim, inner } = argReduceBlocks(x.shape, axis);
  const data = x.data;
  const out = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * axisDim * inner + i;
      let best = data[base];
      let index = 0;
      for (let k = 1; k < axisDim; k++) {
        const v = data[base + k * inner];
        const better = findMin ? v < best : v > best;
        if (better || (selectLastIndex && v === best)) {
          best = v;
          index = k;
        }
      }
      out[o * inner + i] = index;
    }
  }
  return out;
}

export const argReduce: Kernel = (node: Node, [x]: (Value | undefined)[], _outputs: Tensor[]): TensorData[] => {
  if (!x) throw new Error(`${node.op} "${node.name}" has no input`);
  return [argReduceValues(node, x)];
};
