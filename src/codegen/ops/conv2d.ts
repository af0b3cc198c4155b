// Conv2D → tfg_conv2d_f32 / tfg_conv2d_s8, or on cortex-m-dsp boards the SMLAD variant picked by shape at compile time:
// 1×1 unpadded → GEMM over pixels, one group with K ≤ TFG_IM2COL_MAX → 2-column im2col, else the per-pixel one.
import { product, type Node, type Tensor } from '../../ir/graph.ts';
import { prepareConv } from '../../reference/int8/conv2d.ts';
import { floatActivation } from '../emit-support.ts';
import type { OpEmitter } from '../op-emitter.ts';
import { emitPackedConv } from '../packing/emit-packed.ts';
import { convGeom } from './conv-geom.ts';

/** Must equal TFG_IM2COL_MAX in firmware/include/tfg_kernels.h. */
export const TFG_IM2COL_MAX = 576;

/** bias[o] + inputOffset·Σ w[o,…]: exact in int32, so the offset-free inner loop gives the reference's sums. */
export function foldedConvBias(w: Tensor, bias: Tensor | undefined, inputOffset: number): Int32Array {
  const outN = w.shape[0];
  const k = product(w.shape) / outN;
  const wd = w.data as Int8Array;
  const out = new Int32Array(outN);
  for (let o = 0; o < outN; o++) {
    let s = 0;
    for (let i = 0; i < k; i++) s += wd[o * k + i];
    out[o] = (bias ? (bias.data as Int32Array)[o] : 0) + inputOffset * s;
  }
  return out;
}

type DspConv = 'tfg_conv2d_s8_1x1_dsp' | 'tfg_conv2d_s8_im2col_dsp' | 'tfg_conv2d_s8_dsp';

/** The DSP conv variant for this node's shape. */
export function dspConvVariant(node: Node<'Conv2D'>, w: Tensor): DspConv {
  const a = node.attrs;
  const [, kH, kW, inPerGroup] = w.shape;
  if (a.groups === 1 && kH === 1 && kW === 1 && a.pads.every((p) => p === 0) && w.data) return 'tfg_conv2d_s8_1x1_dsp';
  if (a.groups === 1 && kH * kW * inPerGroup <= TFG_IM2COL_MAX) return 'tfg_conv2d_s8_im2col_dsp';
  return 'tfg_conv2d_s8_dsp';
}

export const conv2d: OpEmitter<Node<'Conv2D'>> = (ctx) => {
  const packed = emitPackedConv(ctx); // int4 / f16 / binary / clustered weights
  if (packed) return packed;
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
    return { kernel: 'tfg_conv2d_f32', call: `tfg_conv2d_f32(&${geom}, ${ptrs.join(', ')}, ${biasPtr()}, ${lo}, ${hi}, ${out})` };
  }
  const p = prepareConv(node, x, w, ctx.output());
  const mult = ctx.int32Array('multiplier', p.multiplier);
  const shift = ctx.int32Array('shift', p.shift);
  const q = ctx.declare('quant', 'tfg_s8_channel_quant', `{ ${p.inputOffset}, ${p.outputOffset}, ${p.actMin}, ${p.actMax}, ${mult}, ${shift} }`);
  const kernel = ctx.kernels === 'cortex-m-dsp' ? dspConvVariant(node, w) : 'tfg_conv2d_s8';
  if (kernel === 'tfg_conv2d_s8_1x1_dsp') {
    const folded = ctx.int32Array('folded_bias', foldedConvBias(w, ctx.input(2), p.inputOffset));
    return { kernel, call: `${kernel}(&${geom}, &${q}, ${ptrs[0]}, ${ptrs[1]}, ${folded}, ${out})` };
  }
  return { kernel, call: `${kernel}(&${geom}, &${q}, ${ptrs.join(', ')}, ${biasPtr()}, ${out})` };
};
