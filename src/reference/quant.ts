// TFLite/gemmlowp integer arithmetic (requantization, rounding, activation clamps), exact to the bit.
// The C kernels (firmware/include/tfg_support.h) port these functions one to one; tests pin them with goldens.
//
// Conventions (all as TFLite's reference kernels, built without TFLITE_SINGLE_ROUNDING, i.e. "double rounding"):
//  - A real multiplier M > 0 is stored as (multiplier, shift): M ≈ multiplier · 2^(shift − 31),
//    multiplier an int32 in [2^30, 2^31) (Q31 of a value in [0.5, 1)), shift positive = left shift.
//  - Round(x) is C's round(): half away from zero (TfLiteRound).
//  - Every intermediate is an int32 in C; where C would overflow a signed int (x << left_shift) we wrap
//    exactly like a two's-complement int32 (C: (int32_t)((uint32_t)x << s)); TFLite never reaches that case
//    with calibrated scales.
//  - Real scales are float32 in TFLite; passes round scales with Math.fround so a scale stored in the IR is the
//    float the C side sees. Multipliers are computed here in double (as TFLite's Prepare does) at compile time,
//    so the C code receives (multiplier, shift) as constants and never recomputes them.

import type { Activation, Tensor } from '../ir/graph.ts';
import { TinyforgeError } from '../diagnostics.ts';
import { clamp, INT8_MAX, INT8_MIN, quantizeValue, dequantizeValue, roundHalfAway } from '../ir/quantization.ts';

// The affine int8 mapping itself is the IR's (what QuantParams mean); re-exported for the kernels.
export { clamp, INT8_MAX, INT8_MIN, quantizeValue, dequantizeValue, roundHalfAway };

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;
export interface QuantizedMultiplier {
  /** Q31 significand, in [2^30, 2^31) for a non-zero multiplier (negative for a negative multiplier). */
  multiplier: number;
  /** Power-of-two exponent, positive = left shift (TFLite convention). */
  shift: number;
}

/** C frexp for finite non-zero x: x = q · 2^e with |q| in [0.5, 1). Exact (only powers of two are divided). */
export function frexp(x: number): { q: number; e: number } {
  if (x === 0 || !Number.isFinite(x)) return { q: x, e: 0 };
  let e = Math.floor(Math.log2(Math.abs(x))) + 1;
  let q = x / 2 ** e;
  // log2 may be off by one near powers of two; fix up so |q| lands in [0.5, 1).
  while (Math.abs(q) >= 1) {
    e += 1;
    q = x / 2 ** e;
  }
  while (Math.abs(q) < 0.5) {
    e -= 1;
    q = x / 2 ** e;
  }
  return { q, e };
}

/** TFLite QuantizeMultiplier: frexp, round the significand to Q31, renormalise 2^31 → 2^30 with shift+1,
 *  flush multipliers below 2^-31 to zero and saturate shifts above 30. */
export function quantizeMultiplier(realMultiplier: number): QuantizedMultiplier {
  if (realMultiplier === 0) return { multiplier: 0, shift: 0 };
  const fr = frexp(realMultiplier);
  let shift = fr.e;
  let qFixed = roundHalfAway(fr.q * 2 ** 31);
  if (qFixed === 2 ** 31) {
    qFixed /= 2;
    shift += 1;
  }
  if (shift < -31) {
    shift = 0;
    qFixed = 0;
  }
  if (shift > 30) {
    shift = 30;
    qFixed = INT32_MAX;
  }
  return { multiplier: qFixed, shift };
}

/** gemmlowp SaturatingRoundingDoublingHighMul: round((a·b·2) / 2^32), nudged away from zero,
 *  C-truncating division; the only overflow, INT32_MIN·INT32_MIN, saturates to INT32_MAX. */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const ab = a * b;
  // Fast path: the product and the nudge are exact in a double below 2^52.
  if (Math.abs(ab) < 2 ** 52) {
    const nudge = ab >= 0 ? 1 << 30 : 1 - (1 << 30);
    return Math.trunc((ab + nudge) / 2 ** 31) | 0;
  }
  const ab64 = BigInt(a) * BigInt(b);
  const nudge = ab64 >= 0n ? 1n << 30n : 1n - (1n << 30n);
  // BigInt division truncates toward zero, like C's int64 division.
  return Number(BigInt.asIntN(32, (ab64 + nudge) / (1n << 31n)));
}

/** gemmlowp RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero. 0 ≤ exponent ≤ 31. */
export function roundingDivideByPOT(x: number, exponent: number): number {
  if (exponent < 0 || exponent > 31) throw new RangeError(`roundingDivideByPOT exponent ${exponent} outside [0, 31]`);
  if (exponent === 0) return x | 0;
  const mask = (2 ** exponent - 1) | 0;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return ((x >> exponent) + (remainder > threshold ? 1 : 0)) | 0;
}

/** Wrapping int32 left shift, C: (int32_t)((uint32_t)x << s). */
export function shiftLeftWrap(x: number, s: number): number {
  return Math.imul(x, (2 ** s) | 0) | 0;
}

/** TFLite MultiplyByQuantizedMultiplier (double rounding): left shift, SRDHM, then RoundingDivideByPOT. */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const leftShift = shift > 0 ? shift : 0;
  const rightShift = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(shiftLeftWrap(x, leftShift), multiplier), rightShift);
}

/** TFLite MultiplyByQuantizedMultiplierGreaterThanOne (softmax): SRDHM(x · 2^leftShift, multiplier). */
export function multiplyByQuantizedMultiplierGreaterThanOne(x: number, multiplier: number, leftShift: number): number {
  return saturatingRoundingDoublingHighMul(shiftLeftWrap(x, leftShift), multiplier);
}

/** The quantized value of a real bound, unclamped (TFLite's lambda in CalculateActivationRangeQuantized). */
function quantizeBound(real: number, scale: number, zeroPoint: number): number {
  return zeroPoint + roundHalfAway(Math.fround(Math.fround(real) / Math.fround(scale)));
}

/** TFLite CalculateActivationRangeQuantized for int8: the [min, max] clamp a fused activation becomes. */
export function activationRange(activation: Activation, scale: number, zeroPoint: number): [number, number] {
  switch (activation) {
    case 'none':
      return [INT8_MIN, INT8_MAX];
    case 'relu':
      return [Math.max(INT8_MIN, quantizeBound(0, scale, zeroPoint)), INT8_MAX];
    case 'relu6':
      return [Math.max(INT8_MIN, quantizeBound(0, scale, zeroPoint)), Math.min(INT8_MAX, quantizeBound(6, scale, zeroPoint))];
  }
}

/** The int8 clamp range of a Clip(min, max) (same rule as relu6, any bounds; ±Infinity = unbounded). */
export function clipRange(min: number, max: number, scale: number, zeroPoint: number): [number, number] {
  const lo = min === -Infinity ? INT8_MIN : Math.max(INT8_MIN, quantizeBound(min, scale, zeroPoint));
  const hi = max === Infinity ? INT8_MAX : Math.min(INT8_MAX, quantizeBound(max, scale, zeroPoint));
  return [lo, hi];
}

/** Per-tensor scale and zero point of a tensor's QuantParams (first entry), with a clear failure when missing. */
export function tensorQuant(t: Tensor, node?: { name: string; op: string }): { scale: number; zeroPoint: number } {
  if (!t.quant || t.quant.scale.length === 0) {
    throw new TinyforgeError('missing-quant', `int8 tensor "${t.name}" has no quantization parameters`, {
      location: node ? { node: node.name, op: node.op } : undefined,
      hint: 'quantize the graph with the quantize-int8 pass (or import an int8 model that carries scales)',
    });
  }
  return { scale: t.quant.scale[0], zeroPoint: t.quant.zeroPoint[0] ?? 0 };
}

/** Quantizes a float array with a per-tensor quant (e.g. a graph input of an int8 model). */
export function quantizeArray(x: ArrayLike<number>, quant: { scale: number[]; zeroPoint: number[] }): Int8Array {
  const y = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = quantizeValue(x[i], quant.scale[0], quant.zeroPoint[0]);
  return y;
}

/** Dequantizes an int8 array with a per-tensor quant (e.g. a graph output of an int8 model). */
export function dequantizeArray(q: ArrayLike<number>, quant: { scale: number[]; zeroPoint: number[] }): Float32Array {
  const y = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) y[i] = dequantizeValue(q[i], quant.scale[0], quant.zeroPoint[0]);
  return y;
}
