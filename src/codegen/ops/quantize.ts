// Quantize → tfg_quantize_s8 (f32 → i8) or tfg_requantize_s8 (i8 → i8), constants as the quant reference computes them.
import type { Node } from '../../ir/graph.ts';
import { product } from '../../ir/graph.ts';
import { quantOf } from '../../reference/int8/common.ts';
import { cFloat } from '../c-literals.ts';
import type { OpEmitter } from '../op-emitter.ts';
import { requantInit } from './requant-init.ts';

export const quantize: OpEmitter<Node<'Quantize'>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  const qout = quantOf(ctx.output(), node);
  const n = product(x.shape);
  const io = `${ctx.ptr(node.inputs[0])}, ${ctx.ptr(node.outputs[0])}`;
  if (x.dtype === 'f32')
    return { kernel: 'tfg_quantize_s8', call: `tfg_quantize_s8(${n}, ${cFloat(qout.scale)}, ${qout.zeroPoint}, ${io})` };
  const req = ctx.declare('requant', 'tfg_requant_params', requantInit(quantOf(x, node), qout));
  return { kernel: 'tfg_requantize_s8', call: `tfg_requantize_s8(${n}, &${req}, ${io})` };
};
