// Relu → tfg_clip_f32 with [0, FLT_MAX], or tfg_clip_s8 (TFLM ReluQuantized: requantize, clamp).
import type { Node } from '../../ir/graph.ts';
import { product } from '../../ir/graph.ts';
import { quantOf } from '../../reference/int8/common.ts';
import { prepareRelu } from '../../reference/int8/relu.ts';
import { cFloat } from '../c-literals.ts';
import type { OpEmitter } from '../op-emitter.ts';
import { requantInit } from './requant-init.ts';

export const relu: OpEmitter<Node<'Relu' | 'Clip'>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  const n = product(x.shape);
  const io = `${ctx.ptr(node.inputs[0])}, ${ctx.ptr(node.outputs[0])}`;
  if (x.dtype === 'f32') {
    const [lo, hi] = node.op === 'Clip' ? [node.attrs.min, node.attrs.max] : [0, Infinity];
    return { kernel: 'tfg_clip_f32', call: `tfg_clip_f32(${n}, ${cFloat(lo)}, ${cFloat(hi)}, ${io})` };
  }
  const p = prepareRelu(node, x, ctx.output());
  const req = ctx.declare(
    'requant',
    'tfg_requant_params',
    requantInit(quantOf(x, node), quantOf(ctx.output(), node), p.multiplier, p.shift),
  );
  return { kernel: 'tfg_clip_s8', call: `tfg_clip_s8(${n}, &${req}, ${p.actMin}, ${p.actMax}, ${io})` };
};
