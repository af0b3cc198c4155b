// ConvTranspose → tfg_conv_transpose_f32 / tfg_conv_transpose_s8 on a tfg_conv_geom (one group, no dilation), with the
// reference's per-channel requantization constants.
import type { Node } from '../../ir/graph.ts';
import { prepareConvTranspose } from '../../reference/int8/conv-transpose.ts';
import { floatActivation, nhwcOf } from '../emit-support.ts';
import type { OpEmitter } from '../op-emitter.ts';

export const convTranspose: OpEmitter<Node<'ConvTranspose'>> = (ctx) => {
  const { node } = ctx;
  const a = node.attrs;
  const x = ctx.input(0)!;
  const w = ctx.input(1)!;
  const [n, inH, inW, inC] = nhwcOf(x);
  const [, outH, outW, outC] = nhwcOf(ctx.output());
  const fields = [n, inH, inW, inC, outH, outW, outC, w.shape[1], w.shape[2], a.strides[0], a.strides[1], 1, 1, a.pads[0], a.pads[1], 1, 1];
  const geom = ctx.declare('geom', 'tfg_conv_geom', `{ ${fields.join(', ')} }`);
  const io = [ctx.ptr(node.inputs[0]), ctx.ptr(node.inputs[1]), ctx.ptr(node.inputs[2] ?? '')].join(', ');
  const out = ctx.ptr(node.outputs[0]);
  if (x.dtype === 'f32') {
    const [lo, hi] = floatActivation(a.activation);
    return { kernel: 'tfg_conv_transpose_f32', call: `tfg_conv_transpose_f32(&${geom}, ${io}, ${lo}, ${hi}, ${out})` };
  }
  const p = prepareConvTranspose(node, x, w, ctx.output());
  const mult = ctx.int32Array('multiplier', p.multiplier);
  const shift = ctx.int32Array('shift', p.shift);
  const q = ctx.declare(
    'quant',
    'tfg_s8_channel_quant',
    `{ ${p.inputOffset}, ${p.outputOffset}, ${p.actMin}, ${p.actMax}, ${mult}, ${shift} }`,
  );
  return { kernel: 'tfg_conv_transpose_s8', call: `tfg_conv_transpose_s8(&${geom}, &${q}, ${io}, ${out})` };
};
