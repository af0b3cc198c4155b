// Reshape → nothing when the planner aliased input and output (the usual case), else tfg_copy_x8.
import type { Node } from '../../ir/graph.ts';
import { tensorBytes } from '../memory-planner.ts';
import type { OpEmitter } from '../op-emitter.ts';

export const reshape: OpEmitter<Node<'Reshape'>> = (ctx) => {
  const { node } = ctx;
  if (ctx.aliased(node.inputs[0], node.outputs[0])) return { kernel: null, call: '' };
  return {
    kernel: 'tfg_copy_x8',
    call: `tfg_copy_x8(${tensorBytes(ctx.g, node.outputs[0])}, ${ctx.ptr(node.inputs[0])}, ${ctx.ptr(node.outputs[0])})`,
  };
};
