// Transpose reference: out[i0..ir] = x[...] with out dim k = in dim perm[k]; works for any dtype. A transpose is a
// strided copy whose input stride for output dim k is the input's stride of dim perm[k].
import type { Kernel } from '../kernel.ts';
import { copyStrided } from '../strided-view.ts';
import { attrsOf, stridesOf } from './support.ts';

export const transpose: Kernel = (node, [x], [out]) => {
  const { perm } = attrsOf(node, 'Transpose');
  const inStrides = stridesOf(x!.shape);
  return [copyStrided(x!.data, { outDims: [...out.shape], inStrides: perm.map((p) => inStrides[p]), offset: 0 })];
};
