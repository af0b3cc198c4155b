// HardSwish → tfg_hard_swish_f32, or tfg_lut_s8 with the reference's 256-entry table (bit-exact by construction).
import type { Node } from '../../ir/graph.ts';
import { product } from '../../ir/graph.ts';
import { prepareHardSwish } from '../../reference/int8/hard-swish.ts';
import { cInts, cList } from '../c-literals.ts';
import type { OpEmitter } from '../op-emitter.ts';
import { emitFloatUnary } from './float-unary.ts';

export const hardSwish: OpEmitter<Node<'HardSwish'>> = (ctx) => {
  const x = ctx.input(0)!;
  if (x.dtype === 'f32') return emitFloatUnary(ctx, 'tfg_hard_swish_f32');
  const table = ctx.declare('table', 'int8_t[]', `{\n${cList(cInts(prepareHardSwish(ctx.node, x, ctx.output())), 16)}\n}`);
  const { node } = ctx;
  return {
    kernel: 'tfg_lut_s8',
    call: `tfg_lut_s8(${product(x.shape)}, ${table}, ${ctx.ptr(node.inputs[0])}, ${ctx.ptr(node.outputs[0])})`,
  };
};
