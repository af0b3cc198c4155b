// Table-driven int8 activations (Sigmoid, Tanh, HardSigmoid, HardSwish, Exp, Log, and the unary math of unary-math.ts): tfg_lut_s8 with the reference's 256-entry
// table (bit-exact by construction); float inputs go to the op's own float kernel.
import type { Node } from '../../ir/graph.ts';
import { product } from '../../ir/graph.ts';
import { prepareLut } from '../../reference/int8/lut.ts';
import { cFloat, cInts, cList } from '../c-literals.ts';
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
export const abs: OpEmitter<Node<'Abs'>> = (ctx) => emitLut(ctx, 'tfg_abs_f32');
export const sqrt: OpEmitter<Node<'Sqrt'>> = (ctx) => emitLut(ctx, 'tfg_sqrt_f32');
export const reciprocal: OpEmitter<Node<'Reciprocal'>> = (ctx) => emitLut(ctx, 'tfg_reciprocal_f32');
export const floor: OpEmitter<Node<'Floor'>> = (ctx) => emitLut(ctx, 'tfg_floor_f32');
export const ceil: OpEmitter<Node<'Ceil'>> = (ctx) => emitLut(ctx, 'tfg_ceil_f32');
export const round: OpEmitter<Node<'Round'>> = (ctx) => emitLut(ctx, 'tfg_round_f32');
export const sign: OpEmitter<Node<'Sign'>> = (ctx) => emitLut(ctx, 'tfg_sign_f32');
export const erf: OpEmitter<Node<'Erf'>> = (ctx) => emitLut(ctx, 'tfg_erf_f32');
export const sin: OpEmitter<Node<'Sin'>> = (ctx) => emitLut(ctx, 'tfg_sin_f32');
export const cos: OpEmitter<Node<'Cos'>> = (ctx) => emitLut(ctx, 'tfg_cos_f32');
export const elu: OpEmitter<Node<'Elu'>> = (ctx) => emitLut(ctx, 'tfg_elu_f32', [cFloat(ctx.node.attrs.alpha)]);
export const selu: OpEmitter<Node<'Selu'>> = (ctx) =>
  emitLut(ctx, 'tfg_selu_f32', [cFloat(ctx.node.attrs.alpha), cFloat(ctx.node.attrs.gamma)]);
export const celu: OpEmitter<Node<'Celu'>> = (ctx) => emitLut(ctx, 'tfg_celu_f32', [cFloat(ctx.node.attrs.alpha)]);
export const softplus: OpEmitter<Node<'Softplus'>> = (ctx) => emitLut(ctx, 'tfg_softplus_f32');
export const softsign: OpEmitter<Node<'Softsign'>> = (ctx) => emitLut(ctx, 'tfg_softsign_f32');
export const thresholdedRelu: OpEmitter<Node<'ThresholdedRelu'>> = (ctx) =>
  emitLut(ctx, 'tfg_thresholded_relu_f32', [cFloat(ctx.node.attrs.alpha)]);
export const mish: OpEmitter<Node<'Mish'>> = (ctx) => emitLut(ctx, 'tfg_mish_f32');
export const gelu: OpEmitter<Node<'Gelu'>> = (ctx) =>
  emitLut(ctx, ctx.node.attrs.approximate === 'tanh' ? 'tfg_gelu_tanh_f32' : 'tfg_gelu_f32');
