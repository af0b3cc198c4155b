// PRelu → tfg_prelu_f32 with the slope's (count, inner) layout over the input (float only; int8 falls back to float).
import type { Node } from '../../ir/graph.ts';
import { product } from '../../ir/graph.ts';
import { slopeLayout } from '../../ir/ops/prelu.ts';
import { unsupported } from '../emit-support.ts';
import type { OpEmitter } from '../op-emitter.ts';

export const prelu: OpEmitter<Node<'PRelu'>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  const slope = ctx.input(1)!;
  if (x.dtype !== 'f32')
    throw unsupported(node, `no ${x.dtype} kernel (float only)`, 'keep this node in float: exclude it from int8 quantization');
  const layout = slopeLayout(x.shape, slope.shape)!;
  const args = [
    product(x.shape),
    layout.count,
    layout.inner,
    ctx.weight(node.inputs[1]),
    ctx.ptr(node.inputs[0]),
    ctx.ptr(node.outputs[0]),
  ];
  return { kernel: 'tfg_prelu_f32', call: `tfg_prelu_f32(${args.join(', ')})` };
};
