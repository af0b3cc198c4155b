// Table-driven int8 activations (Sigmoid, Tanh, HardSigmoid, HardSwish, Exp, Log): tfg_lut_s8 with the reference's 256-entry
// table (bit-exact by construction); float inputs go to the op's own float kernel.
import type { Node } from '../../ir/graph.ts';
import { product } from '../../ir/graph.ts';
import { prepareLut } from '../../reference/int8/lut.ts';
import { cInts, cList } from '../c-literals.ts';
import type { EmitContext, OpEmission, OpEmitter } from '../op-emitter.ts';
import { emitFloatUnary } from './float-unary.ts';

export function emitLut(ctx: EmitContext, floatKernel: string, floatArgs: string[] = []): OpEmission {
  const x = ctx.input(0)!;
  if (x.dtype === 'f32') return emitFloatUnary(ctx, floatKernel, floatArgs);
  const table = ctx.declare('table', 'int8_t[]', `{\n${cList(cInts(prepareLut(ctx.node, x, ctx.output())), 16)}\n}`);
  const { node } = ctx;
  return {
    kernel: 'tfg_lut_s8',
    call: `tfg_lut_s8(${product(x.shape)}, ${table}, ${ctx.ptr(node.inputs[0])}, ${ctx.ptr(node.outputs[0])})`,
  };
}

export const hardSwish: OpEmitter<Node<'HardSwish'>> = (ctx) => emitLut(ctx, 'tfg_hard_swish_f32');
export const sigmoid: OpEmitter<Node<'Sigmoid'>> = (ctx) => emitLut(ctx, 'tfg_sigmoid_f32');
export const tanh: OpEmitter<Node<'Tanh'>> = (ctx) => emitLut(ctx, 'tfg_tanh_f32');
export const exp: OpEmitter<Node<'Exp'>> = (ctx) => emitLut(ctx, 'tfg_exp_f32');
export const log: OpEmitter<Node<'Log'>> = (ctx) => emitLut(ctx, 'tfg_log_f32');
