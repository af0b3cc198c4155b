// Slice, Expand and ChannelShuffle → tfg_strided_copy_f32 / tfg_strided_copy_s8 with the reference's strided view,
// its dims merged where they can be (collapseView) so the kernel's inner loop is long.
import type { Node } from '../../ir/graph.ts';
import { quantOf, requireSameQuant } from '../../reference/int8/common.ts';
import { collapseView, stridedView } from '../../reference/strided-view.ts';
import { unsupported } from '../emit-support.ts';
import { TFG_MAX_DIMS } from '../kernel-catalog.ts';
import type { OpEmitter } from '../op-emitter.ts';

export const stridedCopy: OpEmitter<Node<'Slice' | 'Expand' | 'ChannelShuffle'>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  const view = collapseView(stridedView(node, x.shape));
  const rank = view.outDims.length;
  if (rank > TFG_MAX_DIMS) throw unsupported(node, `rank ${rank} is above the kernels' ${TFG_MAX_DIMS}`);
  const params = ctx.declare(
    'params',
    'tfg_strided_copy_params',
    `{ ${rank}, ${view.offset}, {${view.outDims.join(', ')}}, {${view.inStrides.join(', ')}} }`,
  );
  if (x.dtype !== 'f32') requireSameQuant(node, quantOf(x, node), quantOf(ctx.output(), node));
  const kernel = x.dtype === 'f32' ? 'tfg_strided_copy_f32' : 'tfg_strided_copy_s8';
  return { kernel, call: `${kernel}(&${params}, ${ctx.ptr(node.inputs[0])}, ${ctx.ptr(node.outputs[0])})` };
};
