// Shared emitter of float-only unary ops (n elements in, n out); int8 inputs are refused with the fix.
import { product } from '../../ir/graph.ts';
import { unsupported } from '../emit-support.ts';
import type { EmitContext, OpEmission } from '../op-emitter.ts';

export function emitFloatUnary(ctx: EmitContext, kernel: string, extraArgs: string[] = []): OpEmission {
  const { node } = ctx;
  const x = ctx.input(0)!;
  if (x.dtype !== 'f32')
    throw unsupported(node, `no ${x.dtype} kernel (float only)`, 'keep this node in float: exclude it from int8 quantization');
  const args = [String(product(x.shape)), ...extraArgs, ctx.ptr(node.inputs[0]), ctx.ptr(node.outputs[0])];
  return { kernel, call: `${kernel}(${args.join(', ')})` };
}
