// PRelu → tfg_prelu_f32 with the slope's (count, inner) layout over the input, or tfg_prelu_s8 with the reference's
// multipliers (preparePrelu, TFLM PRELU int8).
import type { Node } from '../../ir/graph.ts';
import { product } from '../../ir/graph.ts';
import { slopeLayout } from '../../ir/ops/prelu.ts';
import { preparePrelu } from '../../reference/int8/prelu.ts';
import type { OpEmitter } from '../op-emitter.ts';

export const prelu: OpEmitter<Node<'PRelu'>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  const slope = ctx.input(1)!;
  const io = [ctx.weight(node.inputs[1]), ctx.ptr(node.inputs[0]), ctx.ptr(node.outputs[0])];
  if (x.dtype !== 'f32') {
    const p = preparePrelu(node, x, slope, ctx.output());
    const init = [
      p.inputZeroPoint,
      p.alphaZeroPoint,
      p.outputZeroPoint,
      p.positiveMultiplier,
      p.positiveShift,
      p.negativeMultiplier,
      p.negativeShift,
    ];
    const params = ctx.declare('params', 'tfg_prelu_s8_params', `{ ${init.join(', ')} }`);
    const args = [product(x.shape), p.count, p.inner, `&${params}`, ...io];
    return { kernel: 'tfg_prelu_s8', call: `tfg_prelu_s8(${args.join(', ')})` };
  }
  const layout = slopeLayout(x.shape, slope.shape)!;
  const args = [product(x.shape), layout.count, layout.inner, ...io];
  return { kernel: 'tfg_prelu_f32', call: `tfg_prelu_f32(${args.join(', ')})` };
};
