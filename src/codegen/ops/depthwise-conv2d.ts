// DepthwiseConv2D → tfg_depthwise_conv2d_f32 / tfg_depthwise_conv2d_s8 (weights [1,KH,KW,C·multiplier]), or on
// cortex-m-dsp boards tfg_depthwise_conv2d_s8_dsp (on cortex-m-mla boards tfg_depthwise_conv2d_s8_mla) when the
// multiplier and dilations are 1 and its scratch is within bounds.
import type { Node } from '../../ir/graph.ts';
import { prepareConv } from '../../reference/int8/conv2d.ts';
import { floatActivation } from '../emit-support.ts';
import type { NodeContext, OpEmitter, ScratchRule, InPlaceRule } from '../op-emitter.ts';
import { convGeom, convGeom16, fitsGeom16 } from './conv-geom.ts';
import { declareDspQuant, smmulrChannels } from './dsp-weights.ts';

/** The C side's TFG_DW_ROWBUF_BYTES / TFG_DW_WBUF_BYTES / TFG_DW_MAX_KH (firmware/include/tfg_kernels.h;
 *  test/firmware/shared-constants.test.ts compares them): the bounds the DSP kernel's scratch and window stay within. */
export const TFG_DW_ROWBUF_BYTES = 8192;
export const TFG_DW_WBUF_BYTES = 4608;
export const TFG_DW_MAX_KH = 16;
/** The C side's TFG_DW_PLANE_MIN_OUTPUTS: the 3×3 stride-1 plane path needs this many outputs per channel. */
export const TFG_DW_PLANE_MIN_OUTPUTS = 9;

/** Scratch tfg_depthwise_conv2d_s8_dsp needs for this geometry: [row ring or padded planes, widened weights] bytes;
 *  their sum is its C tfg_depthwise_conv2d_s8_dsp_scratch_bytes. 3×3 at stride 1 over at least
 *  TFG_DW_PLANE_MIN_OUTPUTS outputs takes two channels' planes padded to (out_h + 2)·(out_w + 2) int8 (one when two
 *  would pass TFG_DW_ROWBUF_BYTES) plus 4 bytes of word-load overrun; other windows a ring of k_h widened rows and the
 *  widened weights. */
export function depthwiseDspScratch(
  channels: number,
  kH: number,
  kW: number,
  outH: number,
  outW: number,
  strideH: number,
  strideW: number,
): [number, number] {
  if (kH === 3 && kW === 3 && strideH === 1 && strideW === 1 && outH * outW >= TFG_DW_PLANE_MIN_OUTPUTS) {
    const plane = (outH + 2) * (outW + 2);
    return [(2 * plane + 4 <= TFG_DW_ROWBUF_BYTES ? 2 * plane : plane) + 4, 0];
  }
  const groups = Math.ceil(channels / 4);
  const wp = (outW - 1) * strideW + kW;
  return [kH * groups * wp * 8, groups * kH * kW * 8];
}

/** Scratch tfg_depthwise_conv2d_s8_mla needs: [ring of k_h int32 rows of one 4-channel group, that group's int32
 *  weights] bytes; their sum is its C tfg_depthwise_conv2d_s8_mla_scratch_bytes. */
export function depthwiseMlaScratch(kH: number, kW: number, outW: number, strideW: number): [number, number] {
  const wp = (outW - 1) * strideW + kW;
  return [16 * kH * wp, 16 * kH * kW];
}

type FastDepthwise = 'tfg_depthwise_conv2d_s8_dsp' | 'tfg_depthwise_conv2d_s8_mla';

/** The DSP (or MLA) kernel and its scratch for an int8 node, or undefined when the node runs on the reference kernel. */
function fastKernel(ctx: NodeContext<Node<'DepthwiseConv2D'>>): { kernel: FastDepthwise; scratch: number } | undefined {
  const a = ctx.node.attrs;
  const w = ctx.input(1)!;
  const [, kH, kW, ch] = w.shape;
  const [, outH, outW] = ctx.output().shape;
  const mla = ctx.kernels === 'cortex-m-mla';
  const [rowBytes, wBytes] = mla
    ? depthwiseMlaScratch(kH, kW, outW, a.strides[1])
    : depthwiseDspScratch(ch, kH, kW, outH, outW, a.strides[0], a.strides[1]);
  const dsp =
    (ctx.kernels === 'cortex-m-dsp' || mla) &&
    ctx.input(0)!.dtype === 'i8' &&
    a.multiplier === 1 &&
    a.dilations[0] === 1 &&
    a.dilations[1] === 1 &&
    w.data &&
    rowBytes <= TFG_DW_ROWBUF_BYTES &&
    wBytes <= TFG_DW_WBUF_BYTES &&
    kH <= TFG_DW_MAX_KH &&
    fitsGeom16(ctx, kH, kW);
  if (!dsp) return undefined;
  return { kernel: mla ? 'tfg_depthwise_conv2d_s8_mla' : 'tfg_depthwise_conv2d_s8_dsp', scratch: rowBytes + wBytes };
}

export const depthwiseConv2dScratch: ScratchRule<Node<'DepthwiseConv2D'>> = (ctx) => fastKernel(ctx)?.scratch ?? 0;

/** The scratch this int8 node's kernel takes when a caller runs it on bands of rows (band-chain.ts) whose outputs
 *  number each of `bandRows` (in_h, pad_top and out_h set to the band's), or undefined when it cannot: every kernel
 *  here reads only input rows [0, in_h), treats rows outside as padding from pad_top on and writes out_h rows, but the
 *  DSP kernel's scratch follows out_h (the 3×3 stride-1 planes, or the row ring when a band has too few outputs for
 *  them), so it is the largest band's figure, within the bounds the whole layer's choice of that kernel checked. */
export function depthwiseBandScratch(ctx: NodeContext<Node<'DepthwiseConv2D'>>, bandRows: readonly number[]): number | undefined {
  const w = ctx.input(1)!;
  if (ctx.input(0)!.dtype !== 'i8' || ctx.output().dtype !== 'i8' || !w.data || w.storage !== undefined) return undefined;
  const fast = fastKernel(ctx);
  if (fast?.kernel !== 'tfg_depthwise_conv2d_s8_dsp') return fast?.scratch ?? 0;
  const a = ctx.node.attrs;
  const [, kH, kW, ch] = w.shape;
  const outW = ctx.output().shape[2];
  let most = 0;
  for (const rows of bandRows) {
    const [rowBytes, wBytes] = depthwiseDspScratch(ch, kH, kW, rows, outW, a.strides[0], a.strides[1]);
    if (rowBytes > TFG_DW_ROWBUF_BYTES || wBytes > TFG_DW_WBUF_BYTES) return undefined;
    most = Math.max(most, rowBytes + wBytes);
  }
  return most;
}

/** The DSP kernel reads a channel's whole plane (3×3 path) or an output row's input rows (row-ring path) into scratch
 *  before writing those outputs, and the MLA kernel a 4-channel group's input rows into its ring before writing that
 *  group's outputs of those rows, so at stride 1 with the output shaped as the input either may write over its input. */
export const depthwiseConv2dInPlace: InPlaceRule<Node<'DepthwiseConv2D'>> = (ctx) =>
  fastKernel(ctx) !== undefined && ctx.node.attrs.strides.every((s) => s === 1) && ctx.input(0)!.shape.join() === ctx.output().shape.join();

export const depthwiseConv2d: OpEmitter<Node<'DepthwiseConv2D'>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  const w = ctx.input(1)!;
  // The bias pointer is taken only where the call uses it: a referenced weight is emitted, an unused one would not compile.
  const ptrs = [ctx.ptr(node.inputs[0]), ctx.ptr(node.inputs[1])];
  const biasPtr = () => ctx.ptr(node.inputs[2] ?? '');
  const out = ctx.ptr(node.outputs[0]);
  if (x.dtype === 'f32') {
    const [lo, hi] = floatActivation(node.attrs.activation);
    const geom = convGeom(ctx, w.shape[1], w.shape[2]);
    return {
      kernel: 'tfg_depthwise_conv2d_f32',
      call: `tfg_depthwise_conv2d_f32(&${geom}, ${ptrs.join(', ')}, ${biasPtr()}, ${lo}, ${hi}, ${out})`,
    };
  }
  const p = prepareConv(node, x, w, ctx.output());
  const [, kH, kW, ch] = w.shape;
  const bias = ctx.input(2);
  const fast = fastKernel(ctx);
  if (fast !== undefined) {
    const geom = convGeom16(ctx, kH, kW);
    const bias4 = new Int32Array(Math.ceil(ch / 4) * 4);
    if (bias) bias4.set(bias.data as Int32Array);
    const b4 = bias ? ctx.weight(node.inputs[2], bias4) : ctx.int32Array('bias4', bias4);
    const q = declareDspQuant(
      ctx,
      p,
      smmulrChannels(w.data as Int8Array, bias, p.inputOffset, ch, kH * kW, (c, i) => i * ch + c),
    );
    return {
      kernel: fast.kernel,
      call: `${fast.kernel}(&${geom}, &${q}, ${p.inputOffset}, ${ptrs.join(', ')}, ${b4}, ${out}, ${ctx.scratch(fast.scratch)})`,
    };
  }
  const geom = convGeom(ctx, kH, kW);
  const mult = ctx.int32Array('multiplier', p.multiplier);
  const shift = ctx.int32Array('shift', p.shift);
  const q = ctx.declare(
    'quant',
    'tfg_s8_channel_quant',
    `{ ${p.inputOffset}, ${p.outputOffset}, ${p.actMin}, ${p.actMax}, ${mult}, ${shift} }`,
  );
  return { kernel: 'tfg_depthwise_conv2d_s8', call: `tfg_depthwise_conv2d_s8(&${geom}, &${q}, ${ptrs.join(', ')}, ${biasPtr()}, ${out})` };
};
