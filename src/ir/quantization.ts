// What a tensor's QuantParams mean, value by value: TFLite's affine int8 mapping real = scale · (q − zeroPoint), with
// C's rounding. Kept in the IR so that anything reading or writing int8 values (data loaders, passes, the reference
// kernels in src/reference/quant.ts) shares one definition.

export const INT8_MIN = -128;
export const INT8_MAX = 127;

/** C round(): half away from zero. */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** Clamp to [lo, hi]. */
export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** TFLite AffineQuantize for one value: clamp(round(float32(real / scale)) + zp, −128, 127).
 *  The division is float32 (C: roundf(x / scale) with float x and scale). */
export function quantizeValue(real: number, scale: number, zeroPoint: number, qmin = INT8_MIN, qmax = INT8_MAX): number {
  return clamp(roundHalfAway(Math.fround(Math.fround(real) / Math.fround(scale))) + zeroPoint, qmin, qmax);
}

/** TFLite Dequantize for one value: float32(double(scale) · (q − zp)). */
export function dequantizeValue(q: number, scale: number, zeroPoint: number): number {
  return Math.fround(Math.fround(scale) * (q - zeroPoint));
}
