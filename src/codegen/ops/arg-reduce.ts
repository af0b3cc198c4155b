// ArgMax / ArgMin → tfg_arg_reduce_f32 / tfg_arg_reduce_s8: the axis as [outer, axis, inner] blocks, int32 indices out.
import type { Node } from '../../ir/graph.ts';
import { argReduceBlocks } from '../../reference/float/arg-reduce.ts';
import type { OpEmitter } from '../op-emitter.ts';

export const argReduce: OpEmitter<Node<'ArgMax' | 'ArgMin'>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  const { outer, axisDim, inner } = argReduceBlocks(x.shape, node.attrs.axis);
  const kernel = x.dtype === 'f32' ? 'tfg_arg_reduce_f32' : 'tfg_arg_reduce_s8';
  const flags = `${node.op === 'ArgMin' ? 1 : 0}, ${node.attrs.selectLastIndex ? 1 : 0}`;
  return {
    kernel,
    call: `${kernel}(${outer}, ${axisDim}, ${inner}, ${flags}, ${ctx.ptr(node.inputs[0])}, ${ctx.ptr(node.outputs[0])})`,
  };
};
