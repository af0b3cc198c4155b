// Compile-time data of the Cortex-M DSP int8 kernels: interleaved weight copies (one pointer, word-aligned loads in
// the inner loop), the int8-shift requantization block, and the accumulator bound that lets requantization use SMMULR.
import type { Node, Tensor } from '../../ir/graph.ts';
import { cInts, cList } from '../c-literals.ts';
import type { EmitContext } from '../op-emitter.ts';

/** Per-channel constants shared by Dense / Conv2D / DepthwiseConv2D (prepareDense / prepareConv). */
export interface ChannelQuant {
  multiplier: Int32Array;
  shift: Int32Array;
  outputOffset: number;
  actMin: number;
  actMax: number;
  inputOffset: number;
}

/** 2^30: tfg_requant_dsp doubles the accumulator before SMMULR, so |acc| must stay below it. */
export const DSP_ACC_LIMIT = 2 ** 30;

/**
 * Per channel: true when its accumulator Σ (x + inputOffset)·w + bias stays below DSP_ACC_LIMIT in magnitude for any
 * int8 x (the SMMULR path is exact). Channel c's weights are w[weightIndex(c, i)], i < perChannel. Channels that fail
 * (e.g. dead channels whose bias alone is 2^30) take tfg_requant_dsp's general path.
 */
export function smmulrChannels(
  w: Int8Array,
  bias: Tensor | undefined,
  inputOffset: number,
  channels: number,
  perChannel: number,
  weightIndex: (c: number, i: number) => number,
): boolean[] {
  const maxX = Math.max(Math.abs(-128 + inputOffset), Math.abs(127 + inputOffset));
  const b = bias?.data as Int32Array | undefined;
  return Array.from({ length: channels }, (_, c) => {
    let s = 0;
    for (let i = 0; i < perChannel; i++) s += Math.abs(w[weightIndex(c, i)]);
    return Math.abs(b ? b[c] : 0) + maxX * s < DSP_ACC_LIMIT;
  });
}

/** tfg_requant_dsp's int8 code of one channel: −1 − shift ≥ 0 for the SMMULR path (a right shift and a proven
 *  accumulator bound), else shift − 64 (< −32) for the general path. */
export function shiftCode(shift: number, smmulrOk: boolean): number {
  return shift < 0 && smmulrOk ? -1 - shift : shift - 64;
}

/** Declares the tfg_s8_dsp_quant block (int32 multipliers, int8 shift codes) and returns its identifier. */
export function declareDspQuant(ctx: EmitContext<Node>, p: ChannelQuant, smmulrOk: boolean[]): string {
  const mult = ctx.int32Array('multiplier', p.multiplier);
  const codes = Array.from(p.shift, (s, c) => shiftCode(s, smmulrOk[c]));
  for (const e of codes) if (e < -128 || e > 127) throw new Error(`shift code ${e} does not fit int8`);
  const shift = ctx.declare('shift_code', 'int8_t[]', `{\n${cList(cInts(codes), 16)}\n}`);
  return ctx.declare(
    'quant',
    'tfg_s8_dsp_quant',
    `{ ${p.outputOffset}, ${1 + 2 * p.outputOffset}, ${p.actMin}, ${p.actMax}, ${mult}, ${shift} }`,
  );
}

/**
 * Conv weights [outC, K] (OHWI flattened) as tfg_conv2d_s8_im2col_dsp / _1x1_dsp read them: each channel's K weights
 * padded with zeros to a multiple of 4 (whole words for the kernel's word loads), the bytes of each group of 4 in
 * order 0,2,1,3 when `permute` (in_c % 4 ≠ 0: the kernel's columns are then in natural order).
 */
export function padConvRows(w: Int8Array, outC: number, k: number, permute: boolean): Int8Array {
  const k4 = Math.ceil(k / 4) * 4;
  const out = new Int8Array(outC * k4);
  const order = permute ? [0, 2, 1, 3] : [0, 1, 2, 3];
  for (let oc = 0; oc < outC; oc++) {
    for (let i = 0; i < k4; i++) {
      const src = 4 * Math.floor(i / 4) + order[i % 4];
      if (src < k) out[oc * k4 + i] = w[oc * k + src];
    }
  }
  return out;
}

/** The window-row layout of tfg_conv2d_s8_fewch_dsp / _mla (tfg_fewch_layout in firmware/include/tfg_fewch.h): each
 *  row's run of kW·inC bytes as ⌈run / 4⌉ words (the last one's extra bytes meeting zero weights) when that makes no
 *  more groups of 4 than the exact field, else ⌊run / 4⌋ words and run % 4 bytes in a tail after all rows' words. */
export function fewChannelLayout(kH: number, kW: number, inC: number): { words: number; tail: number } {
  const run = kW * inC;
  const padded = kH * Math.ceil(run / 4) === Math.ceil((kH * run) / 4);
  const words = padded ? Math.ceil(run / 4) : Math.floor(run / 4);
  return { words, tail: padded ? 0 : run - 4 * words };
}

/**
 * Conv weights [outC, kH, kW, inC] (OHWI) in the field order of tfg_conv2d_s8_fewch_dsp / _mla: per channel, row by row
 * each window row's words (zeros past its run in a padded last word), then the tail (each row's last bytes, row after
 * row), zeros to a multiple of 4; the tail's groups in byte order 0,2,1,3 when `permuteTail` (the DSP kernel stores the
 * tail in natural int16 pairs, its words in SXTB16 order).
 */
export function fewChannelRows(w: Int8Array, outC: number, kH: number, kW: number, inC: number, permuteTail: boolean): Int8Array {
  const run = kW * inC;
  const k = kH * run;
  const k4 = Math.ceil(k / 4) * 4;
  const { words, tail } = fewChannelLayout(kH, kW, inC);
  const whole = 4 * words;
  // per field slot, the weight's index within a channel's OHWI weights (−1: a zero weight)
  const order: number[] = [];
  for (let ky = 0; ky < kH; ky++) for (let i = 0; i < whole; i++) order.push(i < run ? ky * run + i : -1);
  const tailStart = order.length;
  const tailOrder: number[] = [];
  for (let ky = 0; ky < kH; ky++) for (let i = whole; i < whole + tail; i++) tailOrder.push(ky * run + i);
  while (tailOrder.length % 4 !== 0) tailOrder.push(-1);
  const byte = permuteTail ? [0, 2, 1, 3] : [0, 1, 2, 3];
  for (let i = 0; i < tailOrder.length; i++) order.push(tailOrder[4 * Math.floor(i / 4) + byte[i % 4]]);
  while (order.length < k4) order.push(-1);
  if (order.length !== k4 || tailStart % 4 !== 0) throw new Error(`few-channel field of ${order.length} for K = ${k}`);
  const out = new Int8Array(outC * k4);
  for (let oc = 0; oc < outC; oc++) order.forEach((src, i) => src >= 0 && (out[oc * k4 + i] = w[oc * k + src]));
  return out;
}

/**
 * Dense weights [outN, inN] as tfg_dense_s8_dsp reads them: per 4 rows (zero rows past outN), for each group of 4
 * inputs the 4 rows' 4 bytes, then the inN % 4 tail as 4 row bytes per input.
 */
export function interleaveDenseRows(w: Int8Array, outN: number, inN: number): Int8Array {
  const quads = Math.ceil(outN / 4);
  const groups = Math.floor(inN / 4);
  const out = new Int8Array(quads * 4 * inN);
  let at = 0;
  for (let q = 0; q < quads; q++) {
    for (let g = 0; g < groups; g++) {
      for (let r = 0; r < 4; r++, at += 4) {
        const o = 4 * q + r;
        if (o < outN) for (let j = 0; j < 4; j++) out[at + j] = w[o * inN + 4 * g + j];
      }
    }
    for (let i = 4 * groups; i < inN; i++, at += 4) {
      for (let r = 0; r < 4; r++) if (4 * q + r < outN) out[at + r] = w[(4 * q + r) * inN + i];
    }
  }
  return out;
}

/**
 * 4-bit dense weights [outN, inN] (values in [−8, 7]) as tfg_dense_s4_dsp reads them, each stored as w + 8 so a masked
 * shift yields it unsigned: per full quad of rows, for each group of 4 inputs two words, rows 0–1 then rows 2–3, byte k
 * holding input k of the first row in its low nibble and of the second in its high one; then the inN % 4 tail as two
 * bytes per input (rows 0–1, rows 2–3), padded to a word. The outN % 4 last rows follow as rows of ⌈inN / 2⌉ bytes
 * (input i in the low nibble of byte i / 2 when i is even). Bytes as int8 for the weight table.
 */
export function interleaveDenseNibbles(w: Int8Array, outN: number, inN: number): Int8Array {
  const quads = Math.floor(outN / 4);
  const groups = Math.floor(inN / 4);
  const tail = inN % 4;
  const tailBytes = Math.ceil((2 * tail) / 4) * 4;
  const rowBytes = Math.ceil(inN / 2);
  const out = new Uint8Array(quads * (8 * groups + tailBytes) + (outN % 4) * rowBytes);
  const nibble = (o: number, i: number) => w[o * inN + i] + 8;
  const pair = (o: number, i: number) => nibble(o, i) | (nibble(o + 1, i) << 4);
  let at = 0;
  for (let q = 0; q < quads; q++) {
    for (let g = 0; g < groups; g++) {
      for (const rows of [0, 2]) for (let k = 0; k < 4; k++) out[at++] = pair(4 * q + rows, 4 * g + k);
    }
    for (let i = 4 * groups; i < inN; i++) for (const rows of [0, 2]) out[at++] = pair(4 * q + rows, i);
    at += tailBytes - 2 * tail;
  }
  for (let o = 4 * quads; o < outN; o++, at += rowBytes) for (let i = 0; i < inN; i++) out[at + (i >> 1)] |= nibble(o, i) << ((i & 1) * 4);
  return new Int8Array(out.buffer);
}

/**
 * 4-bit conv weights [outC, K] as tfg_conv2d_s4_im2col_dsp reads them: padConvRows's int8 rows (values in [−8, 7]),
 * stored as w + 8, two groups of 4 per word: byte b of word i holds byte b of group 2i in its low nibble and of group
 * 2i + 1 in its high one (8, i.e. 0, past the last group). Each channel takes ⌈groups / 2⌉ words.
 */
export function packConvNibbles(w: Int8Array, outC: number, k: number, permute: boolean): Int8Array {
  const rows = padConvRows(w, outC, k, permute);
  const groups = Math.ceil(k / 4);
  const words = Math.ceil(groups / 2);
  const out = new Uint8Array(outC * words * 4);
  const nibble = (c: number, group: number, b: number) => (group < groups ? rows[c * groups * 4 + group * 4 + b] : 0) + 8;
  for (let c = 0; c < outC; c++)
    for (let i = 0; i < words; i++)
      for (let b = 0; b < 4; b++) out[(c * words + i) * 4 + b] = nibble(c, 2 * i, b) | (nibble(c, 2 * i + 1, b) << 4);
  return new Int8Array(out.buffer);
}
