// Dequantize → tfg_dequantize_s8 (i8 → f32 with the input's quantization).
import type { Node } from '../../ir/graph.ts';
import { product } from '../../ir/graph.ts';
import { quantOf } from '../../reference/int8/common.ts';
import { cFloat } from '../c-literals.ts';
import type { OpEmitter } from '../op-emitter.ts';

export const dequantize: OpEmitter<Node<'Dequantize'>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  const q = quantOf(x, node);
  const io = `${ctx.ptr(node.inputs[0])}, ${ctx.ptr(node.outputs[0])}`;
  return { kernel: 'tfg_dequantize_s8', call: `tfg_dequantize_s8(${product(x.shape)}, ${cFloat(q.scale)}, ${q.zeroPoint}, ${io})` };
};
