// InstanceNormalization → tfg_instancenorm_f32 over [batch, spatial, channels] (NHWC with H·W as one axis).
import type { Node } from '../../ir/graph.ts';
import { product } from '../../ir/graph.ts';
import { cFloat } from '../c-literals.ts';
import { unsupported } from '../emit-support.ts';
import type { OpEmitter } from '../op-emitter.ts';

export const instanceNormalization: OpEmitter<Node<'InstanceNormalization'>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  if (x.dtype !== 'f32')
    throw unsupported(node, 'no int8 kernel', 'quantize-int8 keeps InstanceNormalization in float; run it before codegen');
  const batch = x.shape[0];
  const channels = x.shape[x.shape.length - 1];
  const spatial = product(x.shape) / (batch * channels);
  const [xs, scale, bias] = node.inputs.map((n) => ctx.ptr(n));
  const args = [batch, spatial, channels, cFloat(node.attrs.epsilon), xs, scale, bias, ctx.ptr(node.outputs[0])];
  return { kernel: 'tfg_instancenorm_f32', call: `tfg_instancenorm_f32(${args.join(', ')})` };
};
