// DepthwiseConv2D → tfg_depthwise_conv2d_f32 / tfg_depthwise_conv2d_s8 (weights [1,KH,KW,C·multiplier]), or on
// cortex-m-dsp boards tfg_depthwise_conv2d_s8_dsp when the multiplier and dilations are 1.
import type { Node } from '../../ir/graph.ts';
import { prepareConv } from '../../reference/int8/conv2d.ts';
import { floatActivation } from '../emit-support.ts';
import type { OpEmitter } from '../op-emitter.ts';
import { convGeom } from './conv-geom.ts';

export const depthwiseConv2d: OpEmitter<Node<'DepthwiseConv2D'>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  const w = ctx.input(1)!;
  const geom = convGeom(ctx, w.shape[1], w.shape[2]);
  const ptrs = [ctx.ptr(node.inputs[0]), ctx.ptr(node.inputs[1]), ctx.ptr(node.inputs[2] ?? '')];
  const out = ctx.ptr(node.outputs[0]);
  if (x.dtype === 'f32') {
    const [lo, hi] = floatActivation(node.attrs.activation);
    return { kernel: 'tfg_depthwise_conv2d_f32', call: `tfg_depthwise_conv2d_f32(&${geom}, ${ptrs.join(', ')}, ${lo}, ${hi}, ${out})` };
  }
  const p = prepareConv(node, x, w, ctx.output());
  const mult = ctx.int32Array('multiplier', p.multiplier);
  const shift = ctx.int32Array('shift', p.shift);
  const q = ctx.declare('quant', 'tfg_s8_channel_quant', `{ ${p.inputOffset}, ${p.outputOffset}, ${p.actMin}, ${p.actMax}, ${mult}, ${shift} }`);
  const a = node.attrs;
  const dsp = ctx.kernels === 'cortex-m-dsp' && a.multiplier === 1 && a.dilations[0] === 1 && a.dilations[1] === 1;
  const kernel = dsp ? 'tfg_depthwise_conv2d_s8_dsp' : 'tfg_depthwise_conv2d_s8';
  return { kernel, call: `${kernel}(&${geom}, &${q}, ${ptrs.join(', ')}, ${out})` };
};
