// LayerNormalization → tfg_layernorm_f32 over contiguous slices of the trailing (normalised) axes.
import type { Node } from '../../ir/graph.ts';
import { product } from '../../ir/graph.ts';
import { normalizeAxis } from '../../ir/ops/op-def.ts';
import { cFloat } from '../c-literals.ts';
import { unsupported } from '../emit-support.ts';
import type { OpEmitter } from '../op-emitter.ts';

export const layerNormalization: OpEmitter<Node<'LayerNormalization'>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  if (x.dtype !== 'f32')
    throw unsupported(node, 'no int8 kernel', 'quantize-int8 keeps LayerNormalization in float; run it before codegen');
  const n = product(x.shape.slice(normalizeAxis(node.attrs.axis, x.shape.length)));
  const bias = node.inputs[2] ? ctx.ptr(node.inputs[2]) : 'NULL';
  const args = [
    product(x.shape) / n,
    n,
    cFloat(node.attrs.epsilon),
    ctx.ptr(node.inputs[0]),
    ctx.ptr(node.inputs[1]),
    bias,
    ctx.ptr(node.outputs[0]),
  ];
  return { kernel: 'tfg_layernorm_f32', call: `tfg_layernorm_f32(${args.join(', ')})` };
};
