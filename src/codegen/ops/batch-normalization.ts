// BatchNormalization (left unfolded by the importer) → tfg_batchnorm_f32 over the last axis.
import type { Node } from '../../ir/graph.ts';
import { product } from '../../ir/graph.ts';
import { cFloat } from '../c-literals.ts';
import { unsupported } from '../emit-support.ts';
import type { OpEmitter } from '../op-emitter.ts';

export const batchNormalization: OpEmitter<Node<'BatchNormalization'>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  if (x.dtype !== 'f32')
    throw unsupported(node, 'no int8 kernel', 'fold BatchNormalization into the previous conv before quantizing (simplify does this)');
  const c = x.shape[x.shape.length - 1];
  const [xs, scale, bias, mean, variance] = node.inputs.map((n) => ctx.ptr(n));
  const args = [product(x.shape) / c, c, cFloat(node.attrs.epsilon), xs, scale, bias, mean, variance, ctx.ptr(node.outputs[0])];
  return { kernel: 'tfg_batchnorm_f32', call: `tfg_batchnorm_f32(${args.join(', ')})` };
};
