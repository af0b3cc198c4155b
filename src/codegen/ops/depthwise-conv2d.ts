// DepthwiseConv2D → tfg_depthwise_conv2d_f32 / tfg_depthwise_conv2d_s8 (weights [1,KH,KW,C·multiplier]), or on
// cortex-m-dsp boards tfg_depthwise_conv2d_s8_dsp when the multiplier and dilations are 1.
import type { Node, Tensor } from '../../ir/graph.ts';
import { prepareConv } from '../../reference/int8/conv2d.ts';
import { floatActivation } from '../emit-support.ts';
import type { OpEmitter } from '../op-emitter.ts';
import { convGeom } from './conv-geom.ts';
import { accumulatorFits, declareDspQuant } from './dsp-weights.ts';

/** Must equal TFG_DW_MAX_CHANNELS / TFG_DW_MAX_TAPS in firmware/include/tfg_kernels.h. */
export const TFG_DW_MAX_CHANNELS = 512;
export const TFG_DW_MAX_TAPS = 49;

/** bias[c] + inputOffset·Σ_{ky,kx} w[0,ky,kx,c] (weights [1,KH,KW,C]): exact in int32. */
export function foldedDepthwiseBias(w: Tensor, bias: Tensor | undefined, inputOffset: number): Int32Array {
  const c = w.shape[3];
  const wd = w.data as Int8Array;
  const out = new Int32Array(c);
  for (let i = 0; i < c; i++) out[i] = bias ? (bias.data as Int32Array)[i] : 0;
  for (let k = 0; k < wd.length; k++) out[k % c] += inputOffset * wd[k];
  return out;
}

export const depthwiseConv2d: OpEmitter<Node<'DepthwiseConv2D'>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  const w = ctx.input(1)!;
  const geom = convGeom(ctx, w.shape[1], w.shape[2]);
  // The bias pointer is taken only where the call uses it: a referenced weight is emitted, an unused one would not compile.
  const ptrs = [ctx.ptr(node.inputs[0]), ctx.ptr(node.inputs[1])];
  const biasPtr = () => ctx.ptr(node.inputs[2] ?? '');
  const out = ctx.ptr(node.outputs[0]);
  if (x.dtype === 'f32') {
    const [lo, hi] = floatActivation(node.attrs.activation);
    return { kernel: 'tfg_depthwise_conv2d_f32', call: `tfg_depthwise_conv2d_f32(&${geom}, ${ptrs.join(', ')}, ${biasPtr()}, ${lo}, ${hi}, ${out})` };
  }
  const p = prepareConv(node, x, w, ctx.output());
  const a = node.attrs;
  const [, kH, kW, ch] = w.shape;
  const bias = ctx.input(2);
  const dsp = ctx.kernels === 'cortex-m-dsp' && a.multiplier === 1 && a.dilations[0] === 1 && a.dilations[1] === 1 && w.data &&
    ch <= TFG_DW_MAX_CHANNELS && kH * kW <= TFG_DW_MAX_TAPS &&
    accumulatorFits(w.data as Int8Array, bias, p.inputOffset, ch, kH * kW, (c, i) => i * ch + c);
  if (dsp) {
    const folded = ctx.int32Array('folded_bias', foldedDepthwiseBias(w, bias, p.inputOffset));
    const q = declareDspQuant(ctx, p);
    return { kernel: 'tfg_depthwise_conv2d_s8_dsp', call: `tfg_depthwise_conv2d_s8_dsp(&${geom}, &${q}, ${p.inputOffset}, ${ptrs.join(', ')}, ${folded}, ${out})` };
  }
  const mult = ctx.int32Array('multiplier', p.multiplier);
  const shift = ctx.int32Array('shift', p.shift);
  const q = ctx.declare('quant', 'tfg_s8_channel_quant', `{ ${p.inputOffset}, ${p.outputOffset}, ${p.actMin}, ${p.actMax}, ${mult}, ${shift} }`);
  return { kernel: 'tfg_depthwise_conv2d_s8', call: `tfg_depthwise_conv2d_s8(&${geom}, &${q}, ${ptrs.join(', ')}, ${biasPtr()}, ${out})` };
};
