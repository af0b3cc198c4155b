// Softmax → tfg_softmax_f32 over any axis, or tfg_softmax_s8 (last axis, gemmlowp fixed point as TFLite); LogSoftmax →
// tfg_log_softmax_f32 (float only).
import type { Node } from '../../ir/graph.ts';
import { product } from '../../ir/graph.ts';
import { prepareSoftmax } from '../../reference/int8/softmax.ts';
import { cFloat } from '../c-literals.ts';
import { normAxis, unsupported } from '../emit-support.ts';
import type { OpEmitter } from '../op-emitter.ts';

export const logSoftmax: OpEmitter<Node<'LogSoftmax'>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  if (x.dtype !== 'f32')
    throw unsupported(node, `no ${x.dtype} kernel (float only)`, 'keep this node in float: exclude it from int8 quantization');
  const axis = normAxis(node.attrs.axis, x.shape.length);
  const depth = x.shape[axis];
  const inner = product(x.shape.slice(axis + 1));
  const outer = product(x.shape) / (depth * inner);
  return {
    kernel: 'tfg_log_softmax_f32',
    call: `tfg_log_softmax_f32(${outer}, ${depth}, ${inner}, ${ctx.ptr(node.inputs[0])}, ${ctx.ptr(node.outputs[0])})`,
  };
};

export const softmax: OpEmitter<Node<'Softmax'>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  const axis = normAxis(node.attrs.axis, x.shape.length);
  const depth = x.shape[axis];
  const inner = product(x.shape.slice(axis + 1));
  const outer = product(x.shape) / (depth * inner);
  const io = `${ctx.ptr(node.inputs[0])}, ${ctx.ptr(node.outputs[0])}`;
  if (x.dtype === 'f32') {
    return { kernel: 'tfg_softmax_f32', call: `tfg_softmax_f32(${outer}, ${depth}, ${inner}, ${cFloat(node.attrs.beta)}, ${io})` };
  }
  const p = prepareSoftmax(node, x, ctx.output()); // checks last axis, output quant and depth
  const params = ctx.declare(
    'params',
    'tfg_softmax_s8_params',
    `{ ${outer}, ${depth}, ${inner}, ${p.inputMultiplier}, ${p.inputLeftShift}, ${p.diffMin} }`,
  );
  return { kernel: 'tfg_softmax_s8', call: `tfg_softmax_s8(&${params}, ${io})` };
};
