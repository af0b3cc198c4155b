// int8 Transpose: permutes axes (y.shape[i] = x.shape[perm[i]]); values and quantization are unchanged.

import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { int8Data, quantOf, requireInput, requireSameQuant } from './common.ts';

/** Row-major strides of a shape. */
function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1] * shape[d + 1];
  return s;
}

export function transposeInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const n = node as Node<'Transpose'>;
  const xv = requireInput(n, inputs, 0);
  const x = int8Data(n, xv);
  requireSameQuant(n, quantOf(xv, n), quantOf(outputs[0], n));
  const perm = n.attrs.perm;
  const inStrides = stridesOf(xv.shape);
  const outShape = perm.map((p) => xv.shape[p]);
  const y = new Int8Array(x.length);
  const index = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < y.length; i++) {
    let src = 0;
    for (let d = 0; d < outShape.length; d++) src += index[d] * inStrides[perm[d]];
    y[i] = x[src];
    for (let d = outShape.length - 1; d >= 0; d--) {
      if (++index[d] < outShape[d]) break;
      index[d] = 0;
    }
  }
  return [y];
}
