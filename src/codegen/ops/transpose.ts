// Transpose → tfg_transpose_f32 / tfg_transpose_s8 with the input strides permuted at compile time.
import type { Node } from '../../ir/graph.ts';
import { requireSameQuant, quantOf } from '../../reference/int8/common.ts';
import { unsupported } from '../emit-support.ts';
import { TFG_MAX_DIMS } from '../kernel-catalog.ts';
import type { OpEmitter } from '../op-emitter.ts';

export const transpose: OpEmitter<Node<'Transpose'>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  const rank = x.shape.length;
  if (rank > TFG_MAX_DIMS) throw unsupported(node, `rank ${rank} is above the kernels' ${TFG_MAX_DIMS}`);
  const strides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1] * x.shape[d + 1];
  const perm = node.attrs.perm;
  const outDims = perm.map((p) => x.shape[p]);
  const inStrides = perm.map((p) => strides[p]);
  const params = ctx.declare('params', 'tfg_transpose_params', `{ ${rank}, {${outDims.join(', ')}}, {${inStrides.join(', ')}} }`);
  if (x.dtype !== 'f32') requireSameQuant(node, quantOf(x, node), quantOf(ctx.output(), node));
  const kernel = x.dtype === 'f32' ? 'tfg_transpose_f32' : 'tfg_transpose_s8';
  return { kernel, call: `${kernel}(&${params}, ${ctx.ptr(node.inputs[0])}, ${ctx.ptr(node.outputs[0])})` };
};
