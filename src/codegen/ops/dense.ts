// Dense → tfg_dense_f32 / tfg_dense_s8, or tfg_dense_s8_dsp on cortex-m-dsp boards (input offset folded into the bias,
// rows interleaved by four, int8 shifts), tfg_dense_s8_tensor_dsp there when the requantization is per-tensor
// (tfg_dense_s8_mla with tfg_dense_s8_dsp's layout on cortex-m-mla boards); 4-bit weights on cortex-m-dsp boards →
// tfg_dense_s4_dsp, the same path with nibble rows.
import { product, type Node, type Tensor } from '../../ir/graph.ts';
import { prepareDense } from '../../reference/int8/dense.ts';
import { floatActivation } from '../emit-support.ts';
import type { KernelChoices, NodeContext, OpEmitter, ScratchRule } from '../op-emitter.ts';
import { emitPackedDense, packedScratch } from '../packing/emit-packed.ts';
import { declareDspQuant, interleaveDenseNibbles, interleaveDenseRows, smmulrChannels } from './dsp-weights.ts';

/** bias[o] + inputOffset·Σ_i w[o,i]: exact in int32 (|Σ| ≤ in·127·255), so the DSP kernel's sums equal the reference's. */
export function foldedBias(w: Tensor, bias: Tensor | undefined, inputOffset: number): Int32Array {
  const [outN, inN] = w.shape;
  const wd = w.data as Int8Array;
  const out = new Int32Array(outN);
  for (let o = 0; o < outN; o++) {
    let s = 0;
    for (let i = 0; i < inN; i++) s += wd[o * inN + i];
    out[o] = (bias ? (bias.data as Int32Array)[o] : 0) + inputOffset * s;
  }
  return out;
}

/** An int8 layer on the DSP path whose rows share one multiplier and shift, all on the SMMULR path (per-tensor weights),
 *  which tfg_dense_s8_tensor_dsp serves: it widens the input once into scratch, and keeps one copy of the constants. */
function perTensorDsp(ctx: NodeContext<Node<'Dense'>>): boolean {
  const x = ctx.input(0)!;
  const w = ctx.input(1)!;
  if (ctx.kernels !== 'cortex-m-dsp' || x.dtype !== 'i8' || w.storage !== undefined || !(w.data instanceof Int8Array)) return false;
  const p = prepareDense(ctx.node, x, w, ctx.output());
  const [outN, inN] = w.shape;
  const ok = smmulrChannels(w.data, ctx.input(2), p.inputOffset, outN, inN, (o, i) => o * inN + i);
  const shift = p.shift[0];
  const multiplier = p.multiplier[0];
  return shift < 0 && ok.every(Boolean) && p.shift.every((s) => s === shift) && p.multiplier.every((m) => m === multiplier);
}

/** A per-tensor layer has two DSP kernels: the one that widens the input once (its own) and the per-row one. */
export const denseChoices: KernelChoices<Node<'Dense'>> = (ctx) =>
  perTensorDsp(ctx) ? ['tfg_dense_s8_tensor_dsp', 'tfg_dense_s8_dsp'] : [];

/** Whether the layer runs on tfg_dense_s8_tensor_dsp: a per-tensor layer, unless --tune chose the per-row kernel. */
function tensorRequant(ctx: NodeContext<Node<'Dense'>>): boolean {
  return (ctx.variant ?? 'tfg_dense_s8_tensor_dsp') === 'tfg_dense_s8_tensor_dsp' && perTensorDsp(ctx);
}

/** The packed kernels (XNOR, Huffman) and the per-tensor DSP kernel (its widened input) take scratch. */
export const denseScratch: ScratchRule<Node<'Dense'>> = (ctx) =>
  packedScratch(ctx) ?? (tensorRequant(ctx) ? 8 * Math.floor(ctx.input(1)!.shape[1] / 4) : 0);

export const dense: OpEmitter<Node<'Dense'>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  const w = ctx.input(1)!;
  // int4 on DSP cores shares the int8 DSP path below with its own nibble layout; other packed weights have their kernels.
  const dspInt4 = ctx.kernels === 'cortex-m-dsp' && w.storage?.kind === 'int4' && x.dtype === 'i8' && w.data !== undefined;
  const packed = dspInt4 ? undefined : emitPackedDense(ctx); // int4 / f16 / binary / clustered weights
  if (packed) return packed;
  const [outN, inN] = w.shape;
  const batch = product(x.shape) / inN; // a higher-rank x is read as [size / in, in], like TFLite
  const xs = ctx.ptr(node.inputs[0]);
  const ws = () => ctx.ptr(node.inputs[1]); // referenced only by calls that read W itself (an unused array would not compile)
  const y = ctx.ptr(node.outputs[0]);
  if (x.dtype === 'f32') {
    const [lo, hi] = floatActivation(node.attrs.activation);
    return {
      kernel: 'tfg_dense_f32',
      call: `tfg_dense_f32(${batch}, ${inN}, ${outN}, ${xs}, ${ws()}, ${ctx.ptr(node.inputs[2] ?? '')}, ${lo}, ${hi}, ${y})`,
    };
  }
  const p = prepareDense(node, x, w, ctx.output());
  const bias = ctx.input(2);
  if ((ctx.kernels === 'cortex-m-dsp' || ctx.kernels === 'cortex-m-mla') && w.data) {
    const folded = foldedBias(w, bias, p.inputOffset);
    const padded = new Int32Array(Math.ceil(outN / 4) * 4);
    padded.set(folded);
    const fb = bias ? ctx.weight(node.inputs[2], padded) : ctx.int32Array('folded_bias', padded);
    const wd = w.data as Int8Array;
    const w4 = ctx.weight(node.inputs[1], dspInt4 ? interleaveDenseNibbles(wd, outN, inN) : interleaveDenseRows(wd, outN, inN));
    if (!dspInt4 && tensorRequant(ctx)) {
      const one = { ...p, multiplier: p.multiplier.subarray(0, 1), shift: p.shift.subarray(0, 1) };
      const q = declareDspQuant(ctx, one, [true]);
      const scratch = ctx.scratch(8 * Math.floor(inN / 4));
      const call = `tfg_dense_s8_tensor_dsp(${batch}, ${inN}, ${outN}, &${q}, ${xs}, ${w4}, ${fb}, ${y}, ${scratch})`;
      return { kernel: 'tfg_dense_s8_tensor_dsp', call };
    }
    const q = declareDspQuant(
      ctx,
      p,
      smmulrChannels(w.data as Int8Array, bias, p.inputOffset, outN, inN, (o, i) => o * inN + i),
    );
    if (dspInt4) {
      const call = `tfg_dense_s4_dsp(${batch}, ${inN}, ${outN}, &${q}, ${xs}, (const uint8_t *)${w4}, ${fb}, ${y})`;
      return { kernel: 'tfg_dense_s4_dsp', call };
    }
    const kernel = ctx.kernels === 'cortex-m-mla' ? 'tfg_dense_s8_mla' : 'tfg_dense_s8_dsp';
    return { kernel, call: `${kernel}(${batch}, ${inN}, ${outN}, &${q}, ${xs}, ${w4}, ${fb}, ${y})` };
  }
  const mult = ctx.int32Array('multiplier', p.multiplier);
  const shift = ctx.int32Array('shift', p.shift);
  const q = ctx.declare(
    'quant',
    'tfg_s8_channel_quant',
    `{ ${p.inputOffset}, ${p.outputOffset}, ${p.actMin}, ${p.actMax}, ${mult}, ${shift} }`,
  );
  return {
    kernel: 'tfg_dense_s8',
    call: `tfg_dense_s8(${batch}, ${inN}, ${outN}, &${q}, ${xs}, ${ws()}, ${ctx.ptr(node.inputs[2] ?? '')}, ${y})`,
  };
};
