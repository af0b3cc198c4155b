// Transpose reference: out[i0..ir] = x[...] with out dim k = in dim perm[k]; works for any dtype.
import type { TensorData } from '../../ir/graph.ts';
import type { Kernel } from '../kernel.ts';
import { attrsOf, stridesOf } from './support.ts';

export const transpose: Kernel = (node, [x], [out]) => {
  const { perm } = attrsOf(node, 'Transpose');
  const inStrides = stridesOf(x!.shape);
  const src = x!.data;
  const y = new (src.constructor as new (n: number) => TensorData)(src.length);
  const outShape = out.shape;
  const rank = outShape.length;
  const step = perm.map((p) => inStrides[p]); // input stride for each output dim
  const idx = new Array<number>(rank).fill(0);
  let from = 0;
  for (let i = 0; i < y.length; i++) {
    y[i] = src[from];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      from += step[d];
      if (idx[d] < outShape[d]) break;
      from -= step[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return [y];
};
