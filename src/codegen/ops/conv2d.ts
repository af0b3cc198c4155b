// Conv2D → tfg_conv2d_f32 / tfg_conv2d_s8, or on cortex-m-dsp boards the SMLAD variant picked by shape at compile time:
// 1×1 unpadded → GEMM over pixels, one group with K ≤ TFG_IM2COL_MAX → 4-column im2col (both with word-padded weights
// and SMMULR requantization), else the per-pixel one. 4-bit weights in those shapes → tfg_conv2d_s4_im2col_dsp.
// On cortex-m-mla boards (no DSP extension) the shapes of both GEMM kernels → tfg_conv2d_s8_im2col_mla (int32 columns,
// one MLA per MAC), else the reference kernel. Layers with few input channels (an image model's first) take the
// _fewch_ variants of the GEMM kernels on both sets: a word-wise gather of each window row's run of k_w·in_c bytes.
import { product, type Graph, type Node, type Tensor } from '../../ir/graph.ts';
import { prepareConv } from '../../reference/int8/conv2d.ts';
import { floatActivation } from '../emit-support.ts';
import type { InPlaceRule, KernelChoices, NodeContext, OpEmitter, ScratchRule } from '../op-emitter.ts';
import { emitPackedConv, packedScratch } from '../packing/emit-packed.ts';
import { convGeom, convGeom16, fitsGeom16 } from './conv-geom.ts';
import { declareDspQuant, fewChannelLayout, fewChannelRows, packConvNibbles, padConvRows, smmulrChannels } from './dsp-weights.ts';

/** The C side's TFG_IM2COL_MAX and TFG_CONV_COL_MAX (firmware/include/tfg_kernels.h; test/firmware/shared-constants.test.ts
 *  compares them): the largest receptive field of the im2col kernel, and of the one column tfg_conv2d_s8_dsp gathers. */
export const TFG_IM2COL_MAX = 576;
export const TFG_CONV_COL_MAX = 512;

type DspConv = 'tfg_conv2d_s8_1x1_dsp' | 'tfg_conv2d_s8_im2col_dsp' | 'tfg_conv2d_s8_dsp';
type FewChannelConv = 'tfg_conv2d_s8_fewch_dsp' | 'tfg_conv2d_s8_fewch_mla';
type Int8Conv = DspConv | FewChannelConv | 'tfg_conv2d_s8' | 'tfg_conv2d_s8_im2col_mla';

/** The most input channels a layer on the _fewch_ kernels has: with 4 or more the im2col gather is word-wise already. */
export const FEWCH_MAX_IN_C = 3;

/** True for an im2col-shaped int8 conv with dense weights and few input channels whose window rows are contiguous runs
 *  (dil_w = 1): the shape of the _fewch_ kernels. */
function fewChannelShape(node: Node<'Conv2D'>, w: Tensor): boolean {
  return (
    variantByShape(node, w) === 'tfg_conv2d_s8_im2col_dsp' &&
    w.storage === undefined &&
    w.shape[3] <= FEWCH_MAX_IN_C &&
    node.attrs.dilations[1] === 1
  );
}

/** The DSP conv variant for this node's shape alone. */
function variantByShape(node: Node<'Conv2D'>, w: Tensor): DspConv {
  const a = node.attrs;
  const [, kH, kW, inPerGroup] = w.shape;
  if (!w.data || a.groups !== 1 || kH * kW * inPerGroup > TFG_IM2COL_MAX) return 'tfg_conv2d_s8_dsp';
  if (kH === 1 && kW === 1 && a.pads.every((p) => p === 0)) return 'tfg_conv2d_s8_1x1_dsp';
  return 'tfg_conv2d_s8_im2col_dsp';
}

/** The DSP conv variant for this node. A 1×1 conv in a graph that links the im2col kernel anyway runs on it too (the
 *  same GEMM core with a one-tap gather): one kernel in flash instead of two, at a few instructions per pixel pair. */
export function dspConvVariant(node: Node<'Conv2D'>, w: Tensor, g?: Graph): DspConv {
  const v = variantByShape(node, w);
  if (v !== 'tfg_conv2d_s8_1x1_dsp' || !g) return v;
  const im2colElsewhere = g.nodes.some((n) => {
    if (n.op !== 'Conv2D') return false;
    const wt = g.tensors[n.inputs[1]];
    const conv = n as Node<'Conv2D'>;
    return (
      g.tensors[n.inputs[0]].dtype === 'i8' &&
      !wt.storage &&
      variantByShape(conv, wt) === 'tfg_conv2d_s8_im2col_dsp' &&
      !fewChannelShape(conv, wt)
    );
  });
  return im2colElsewhere ? 'tfg_conv2d_s8_im2col_dsp' : v;
}

/** The kernel an int8 Conv2D with dense weights runs on unless tuned: on cortex-m-dsp boards the DSP variant for its
 *  shape (the im2col and 1×1 ones only when the geometry fits their int16 fields), on cortex-m-mla boards the MLA GEMM
 *  kernel for the shapes of the DSP GEMM kernels, else the reference kernel. */
function ownInt8ConvKernel(ctx: NodeContext<Node<'Conv2D'>>): Int8Conv {
  const w = ctx.input(1)!;
  if (ctx.kernels === 'cortex-m-mla') {
    const gemm = variantByShape(ctx.node, w) !== 'tfg_conv2d_s8_dsp' && fitsGeom16(ctx, w.shape[1], w.shape[2]);
    if (!gemm) return 'tfg_conv2d_s8';
    return fewChannelShape(ctx.node, w) ? 'tfg_conv2d_s8_fewch_mla' : 'tfg_conv2d_s8_im2col_mla';
  }
  if (ctx.kernels !== 'cortex-m-dsp') return 'tfg_conv2d_s8';
  if (fewChannelShape(ctx.node, w) && fitsGeom16(ctx, w.shape[1], w.shape[2])) return 'tfg_conv2d_s8_fewch_dsp';
  const variant = dspConvVariant(ctx.node, w, ctx.g);
  if (variant === 'tfg_conv2d_s8_dsp' || fitsGeom16(ctx, w.shape[1], w.shape[2])) return variant;
  return 'tfg_conv2d_s8';
}

/** The kernel an int8 Conv2D with dense weights runs on: the one --tune chose, else the op's own. */
function int8ConvKernel(ctx: NodeContext<Node<'Conv2D'>>): Int8Conv {
  return (ctx.variant as Int8Conv | undefined) ?? ownInt8ConvKernel(ctx);
}

/** The kernels an int8 conv with dense weights can run on under its set, the op's own first: on cortex-m-dsp the
 *  few-channel gather, the 1-channel × 4-pixel GEMM of unpadded 1×1 convs and the 4-column im2col GEMM where the shape
 *  and its int16 geometry allow them, and the per-pixel kernel for any shape; on cortex-m-mla the few-channel and
 *  im2col GEMMs. Packed, int4 and float layers have their own kernels and nothing to choose. */
export const conv2dChoices: KernelChoices<Node<'Conv2D'>> = (ctx) => {
  const w = ctx.input(1)!;
  if (ctx.input(0)!.dtype !== 'i8' || !w.data || w.storage !== undefined) return [];
  const gemm = variantByShape(ctx.node, w) !== 'tfg_conv2d_s8_dsp' && fitsGeom16(ctx, w.shape[1], w.shape[2]);
  const few = gemm && fewChannelShape(ctx.node, w);
  const all: Int8Conv[] = [];
  if (ctx.kernels === 'cortex-m-dsp') {
    if (few) all.push('tfg_conv2d_s8_fewch_dsp');
    if (gemm && variantByShape(ctx.node, w) === 'tfg_conv2d_s8_1x1_dsp') all.push('tfg_conv2d_s8_1x1_dsp');
    if (gemm) all.push('tfg_conv2d_s8_im2col_dsp');
    all.push('tfg_conv2d_s8_dsp');
  } else if (ctx.kernels === 'cortex-m-mla' && gemm) {
    if (few) all.push('tfg_conv2d_s8_fewch_mla');
    all.push('tfg_conv2d_s8_im2col_mla');
  }
  const own = ownInt8ConvKernel(ctx);
  return [own, ...all.filter((k) => k !== own)];
};

/** Scratch bytes of an int8 conv kernel for a layer (OHWI weights [out, kH, kW, inC], one group for the im2col and 1×1
 *  kernels), as its C <kernel>_scratch_bytes computes them: tfg_conv2d_s8_dsp one int8 column of the receptive field
 *  when it fits TFG_CONV_COL_MAX; the DSP GEMM kernels four int16 columns of K rounded up to 4 (a fifth for the im2col
 *  one when inC % 4 ≠ 0); the MLA ones four int32 columns; the few-channel ones also a copy of the rows of four windows
 *  that leave the image (three strides and one window row's word loads each, rounded up to 4 bytes). */
export function convScratchBytes(kernel: Int8Conv, kH: number, kW: number, inPerGroup: number, strideW = 1): number {
  const k = kH * kW * inPerGroup;
  if (kernel === 'tfg_conv2d_s8_dsp') return k <= TFG_CONV_COL_MAX ? k : 0;
  if (kernel === 'tfg_conv2d_s8') return 0;
  const k4 = Math.ceil(k / 4) * 4;
  if (kernel === 'tfg_conv2d_s8_fewch_dsp' || kernel === 'tfg_conv2d_s8_fewch_mla') {
    const { words, tail } = fewChannelLayout(kH, kW, inPerGroup);
    const window = Math.ceil((kH * (3 * strideW * inPerGroup + 4 * words + tail)) / 4) * 4;
    return (kernel === 'tfg_conv2d_s8_fewch_dsp' ? 8 : 16) * k4 + window;
  }
  if (kernel === 'tfg_conv2d_s8_im2col_mla') return 16 * k4;
  return (inPerGroup % 4 !== 0 ? 10 : 8) * k4;
}

/** An int4 conv the DSP GEMM kernel serves (the shapes of the im2col and 1×1 int8 kernels): tfg_conv2d_s4_im2col_dsp,
 *  with the int8 im2col kernel's scratch. */
function dspInt4Conv(ctx: NodeContext<Node<'Conv2D'>>): boolean {
  const w = ctx.input(1)!;
  if (w.storage?.kind !== 'int4' || ctx.input(0)!.dtype !== 'i8' || !w.data) return false;
  const variant = int8ConvKernel(ctx);
  return variant === 'tfg_conv2d_s8_im2col_dsp' || variant === 'tfg_conv2d_s8_1x1_dsp' || variant === 'tfg_conv2d_s8_fewch_dsp';
}

/** True when this conv runs on one of the int8 kernels of this file (dense int8 weights, or int4 on the DSP GEMM
 *  kernel), not a packed one: each reads only input rows [0, in_h), treats rows outside as padding from pad_top on, and
 *  writes out_h rows, so a caller may run it on a band of rows with in_h, pad_top and out_h set to the band's (conv-pool.ts). */
export function conv2dRunsOnBands(ctx: NodeContext<Node<'Conv2D'>>): boolean {
  const w = ctx.input(1)!;
  if (ctx.input(0)!.dtype !== 'i8' || ctx.output().dtype !== 'i8' || !w.data || ctx.node.attrs.binarizeInput) return false;
  return w.storage === undefined || dspInt4Conv(ctx);
}

export const conv2dScratch: ScratchRule<Node<'Conv2D'>> = (ctx) => {
  if (dspInt4Conv(ctx))
    return convScratchBytes('tfg_conv2d_s8_im2col_dsp', ctx.input(1)!.shape[1], ctx.input(1)!.shape[2], ctx.input(1)!.shape[3]);
  const packed = packedScratch(ctx);
  if (packed !== undefined) return packed;
  const w = ctx.input(1)!;
  if (ctx.input(0)!.dtype === 'f32') return 0;
  return convScratchBytes(int8ConvKernel(ctx), w.shape[1], w.shape[2], w.shape[3], ctx.node.attrs.strides[1]);
};

/** The GEMM kernels (DSP and MLA) widen a block's input pixels into scratch before writing its outputs; for an unpadded 1×1 conv
 *  at stride 1 those are the same pixels, so with as many output as input channels it may write over its input. */
export const conv2dInPlace: InPlaceRule<Node<'Conv2D'>> = (ctx) => {
  const a = ctx.node.attrs;
  const w = ctx.input(1)!;
  if (ctx.input(0)!.dtype !== 'i8' || w.storage !== undefined || !w.data) return false; // packed weights: other kernels
  const kernel = int8ConvKernel(ctx);
  return (
    (kernel === 'tfg_conv2d_s8_1x1_dsp' || kernel === 'tfg_conv2d_s8_im2col_dsp' || kernel === 'tfg_conv2d_s8_im2col_mla') &&
    w.shape[1] === 1 &&
    w.shape[2] === 1 &&
    a.strides.every((s) => s === 1) &&
    a.pads.every((p) => p === 0) &&
    ctx.input(0)!.shape.join() === ctx.output().shape.join()
  );
};

export const conv2d: OpEmitter<Node<'Conv2D'>> = (ctx) => {
  const int4 = dspInt4Conv(ctx);
  const packed = int4 ? undefined : emitPackedConv(ctx); // int4 / f16 / binary / clustered weights
  if (packed) return packed;
  const { node } = ctx;
  const x = ctx.input(0)!;
  const w = ctx.input(1)!;
  // The bias pointer is taken only where the call uses it: a referenced weight is emitted, an unused one would not compile.
  const xPtr = ctx.ptr(node.inputs[0]);
  const ptrs = () => [xPtr, ctx.ptr(node.inputs[1])];
  const biasPtr = () => ctx.ptr(node.inputs[2] ?? '');
  const out = ctx.ptr(node.outputs[0]);
  if (x.dtype === 'f32') {
    const [lo, hi] = floatActivation(node.attrs.activation);
    const geom = convGeom(ctx, w.shape[1], w.shape[2]);
    return { kernel: 'tfg_conv2d_f32', call: `tfg_conv2d_f32(&${geom}, ${ptrs().join(', ')}, ${biasPtr()}, ${lo}, ${hi}, ${out})` };
  }
  const p = prepareConv(node, x, w, ctx.output());
  const [outC, , , inPerGroup] = w.shape;
  const k = product(w.shape) / outC;
  const variant = int4 ? 'tfg_conv2d_s8_im2col_dsp' : int8ConvKernel(ctx);
  const scratch = ctx.scratch(convScratchBytes(variant, w.shape[1], w.shape[2], inPerGroup, node.attrs.strides[1]));
  const bias = ctx.input(2);
  if (variant !== 'tfg_conv2d_s8' && variant !== 'tfg_conv2d_s8_dsp') {
    const geom = convGeom16(ctx, w.shape[1], w.shape[2]);
    // Rows padded to whole words; for the DSP kernels natural-order columns (permuted weight bytes) unless in_c is a
    // multiple of 4. The MLA kernel's int32 columns are always in natural order. The _fewch_ kernels' own field order.
    const permute = variant !== 'tfg_conv2d_s8_im2col_mla' && inPerGroup % 4 !== 0;
    const wd = w.data as Int8Array;
    const few = variant === 'tfg_conv2d_s8_fewch_dsp' || variant === 'tfg_conv2d_s8_fewch_mla';
    const rows = few
      ? fewChannelRows(wd, outC, w.shape[1], w.shape[2], inPerGroup, variant === 'tfg_conv2d_s8_fewch_dsp')
      : padConvRows(wd, outC, k, permute);
    const w2 = ctx.weight(node.inputs[1], int4 ? packConvNibbles(wd, outC, k, permute) : rows);
    const b2 = bias ? ctx.ptr(node.inputs[2]) : ctx.int32Array('bias', new Int32Array(outC));
    const q = declareDspQuant(
      ctx,
      p,
      smmulrChannels(w.data as Int8Array, bias, p.inputOffset, outC, k, (c, i) => c * k + i),
    );
    if (int4) {
      const kernel = 'tfg_conv2d_s4_im2col_dsp';
      return { kernel, call: `${kernel}(&${geom}, &${q}, ${p.inputOffset}, ${xPtr}, (const uint8_t *)${w2}, ${b2}, ${out}, ${scratch})` };
    }
    return { kernel: variant, call: `${variant}(&${geom}, &${q}, ${p.inputOffset}, ${xPtr}, ${w2}, ${b2}, ${out}, ${scratch})` };
  }
  const geom = convGeom(ctx, w.shape[1], w.shape[2]);
  const mult = ctx.int32Array('multiplier', p.multiplier);
  const shift = ctx.int32Array('shift', p.shift);
  const q = ctx.declare(
    'quant',
    'tfg_s8_channel_quant',
    `{ ${p.inputOffset}, ${p.outputOffset}, ${p.actMin}, ${p.actMax}, ${mult}, ${shift} }`,
  );
  if (variant === 'tfg_conv2d_s8_dsp')
    return { kernel: variant, call: `${variant}(&${geom}, &${q}, ${ptrs().join(', ')}, ${biasPtr()}, ${out}, ${scratch})` };
  return { kernel: variant, call: `${variant}(&${geom}, &${q}, ${ptrs().join(', ')}, ${biasPtr()}, ${out})` };
};
