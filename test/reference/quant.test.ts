// Golden cases for the TFLite/gemmlowp integer arithmetic in src/reference/quant.ts and int8/fixed-point.ts.
import { describe, expect, it } from 'vitest';
import {
  activationRange,
  clipRange,
  dequantizeValue,
  frexp,
  INT32_MAX,
  INT32_MIN,
  multiplyByQuantizedMultiplier,
  quantizeMultiplier,
  quantizeValue,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul,
} from '../../src/reference/quant.ts';
import { expOnNegativeValues, getReciprocal, oneOverOnePlusXForXIn01 } from '../../src/reference/int8/fixed-point.ts';

/** Independent SRDHM straight from the gemmlowp definition, in BigInt only. */
function srdhmBig(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n));
}

/** xorshift32, so random cases are reproducible. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s | 0;
  };
}

describe('quantizeMultiplier (TFLite QuantizeMultiplier)', () => {
  const golden: [number, number, number][] = [
    // real, multiplier, shift
    [0.5, 1 << 30, 0],
    [1.0, 1 << 30, 1],
    [0.75, 1610612736, 0],
    [0.25, 1 << 30, -1],
    [3.0, 1610612736, 2],
    [0.1, 1717986918, -3], // 0.8 · 2^31 = 1717986918.4 → 1717986918
    [1 - 2 ** -40, 1 << 30, 1], // the significand rounds to 2^31: halve it, shift + 1
    [2 ** -40, 0, 0], // below 2^-31: flushed to zero
    [0, 0, 0],
  ];
  it.each(golden)('%d → (%d, %d)', (real, m, s) => {
    expect(quantizeMultiplier(real)).toEqual({ multiplier: m, shift: s });
  });
  it('frexp is exact around powers of two', () => {
    expect(frexp(1)).toEqual({ q: 0.5, e: 1 });
    expect(frexp(0.5)).toEqual({ q: 0.5, e: 0 });
    expect(frexp(1 - 2 ** -53)).toEqual({ q: 1 - 2 ** -53, e: 0 });
    expect(frexp(-3)).toEqual({ q: -0.75, e: 2 });
  });
  it('reconstructs the real multiplier to 2^-31 relative', () => {
    const next = rng(7);
    for (let i = 0; i < 200; i++) {
      const real = (Math.abs(next()) / 2 ** 31) * 2 ** ((i % 20) - 12) + 1e-9;
      const { multiplier, shift } = quantizeMultiplier(real);
      expect(multiplier).toBeGreaterThanOrEqual(2 ** 30);
      expect(multiplier).toBeLessThan(2 ** 31);
      expect(Math.abs(multiplier * 2 ** (shift - 31) - real) / real).toBeLessThanOrEqual(2 ** -31);
    }
  });
});

describe('saturatingRoundingDoublingHighMul', () => {
  const golden: [number, number, number][] = [
    [INT32_MIN, INT32_MIN, INT32_MAX], // the only overflow saturates
    [INT32_MAX, INT32_MAX, INT32_MAX - 1],
    [INT32_MIN, INT32_MAX, -INT32_MAX],
    [1 << 30, 1 << 30, 1 << 29],
    [5, 1 << 30, 3], // 2.5 → 3
    [-5, 1 << 30, -2], // −2.5 → −2 (the nudge makes ties go up)
    [-7, 1 << 30, -3], // −3.5 → −3
    [7, 1 << 30, 4],
    [0, INT32_MIN, 0],
    [123456789, 1717986918, 98765431],
  ];
  it.each(golden)('SRDHM(%d, %d) = %d', (a, b, r) => {
    expect(saturatingRoundingDoublingHighMul(a, b)).toBe(r);
  });
  it('matches a BigInt-only definition on 20000 random pairs (both the fast and the wide path)', () => {
    const next = rng(42);
    for (let i = 0; i < 20000; i++) {
      const a = i % 3 === 0 ? next() >> (i % 31) : next();
      const b = next();
      expect(saturatingRoundingDoublingHighMul(a, b)).toBe(srdhmBig(a, b));
    }
  });
});

describe('roundingDivideByPOT', () => {
  const golden: [number, number, number][] = [
    [5, 1, 3], // 2.5 → 3
    [-5, 1, -3], // −2.5 → −3 (away from zero)
    [-3, 1, -2],
    [-1, 1, -1], // −0.5 → −1
    [1, 1, 1],
    [7, 2, 2],
    [6, 2, 2],
    [-6, 2, -2], // −1.5 → −2
    [-7, 2, -2],
    [-10, 2, -3], // −2.5 → −3
    [INT32_MAX, 31, 1],
    [INT32_MIN, 31, -1],
    [12345, 0, 12345],
  ];
  it.each(golden)('RDBPOT(%d, %d) = %d', (x, e, r) => {
    expect(roundingDivideByPOT(x, e)).toBe(r);
  });
  it('rejects exponents outside [0, 31]', () => {
    expect(() => roundingDivideByPOT(1, 32)).toThrow(RangeError);
  });
});

describe('multiplyByQuantizedMultiplier (double rounding)', () => {
  it('golden cases', () => {
    expect(multiplyByQuantizedMultiplier(100, 1 << 30, 0)).toBe(50);
    expect(multiplyByQuantizedMultiplier(3, 1 << 30, 0)).toBe(2); // 1.5 → 2
    expect(multiplyByQuantizedMultiplier(-3, 1 << 30, 0)).toBe(-1); // −1.5 → −1 (SRDHM ties go up)
    expect(multiplyByQuantizedMultiplier(-6, 1 << 30, -1)).toBe(-2); // SRDHM −3, then RDBPOT −1.5 → −2
    expect(multiplyByQuantizedMultiplier(6, 1 << 30, -1)).toBe(2);
    expect(multiplyByQuantizedMultiplier(5, 1 << 30, 2)).toBe(10); // left shift first: ×4 ×0.5
    // double rounding differs from one rounding: 0.3·13 = 3.9 → 4 but via the Q31 path
    const m = quantizeMultiplier(0.3);
    expect(multiplyByQuantizedMultiplier(13, m.multiplier, m.shift)).toBe(4);
    expect(multiplyByQuantizedMultiplier(-13, m.multiplier, m.shift)).toBe(-4);
    // a left shift that overflows int32 wraps like C two's complement
    expect(multiplyByQuantizedMultiplier(1 << 30, 1 << 30, 2)).toBe(0);
  });
  it('equals round(x · real) within one unit for random inputs', () => {
    const next = rng(3);
    for (let i = 0; i < 2000; i++) {
      const real = (Math.abs(next()) / 2 ** 31) * 0.01 + 1e-6;
      const { multiplier, shift } = quantizeMultiplier(real);
      const x = next() >> 8;
      expect(Math.abs(multiplyByQuantizedMultiplier(x, multiplier, shift) - x * real)).toBeLessThanOrEqual(1);
    }
  });
});

describe('quantizeValue / dequantizeValue / activation ranges', () => {
  it('rounds half away from zero and saturates at −128/127', () => {
    expect(quantizeValue(0.5, 1, 0)).toBe(1);
    expect(quantizeValue(-0.5, 1, 0)).toBe(-1);
    expect(quantizeValue(1.5, 1, 0)).toBe(2);
    expect(quantizeValue(2.5, 1, -128)).toBe(-125);
    expect(quantizeValue(1000, 1, 0)).toBe(127);
    expect(quantizeValue(-1000, 1, 0)).toBe(-128);
    expect(quantizeValue(0, 0.1, 127)).toBe(127);
    expect(quantizeValue(0.3, 0.1, 0)).toBe(3); // float32(0.3/0.1) = 3.0000002 → 3
  });
  it('dequantizes in double, rounds to float32', () => {
    expect(dequantizeValue(-128, 0.5, -128)).toBe(0);
    expect(dequantizeValue(127, 0.1, 0)).toBe(Math.fround(Math.fround(0.1) * 127));
  });
  it('activation ranges as CalculateActivationRangeQuantized', () => {
    expect(activationRange('none', 0.1, 5)).toEqual([-128, 127]);
    expect(activationRange('relu', 0.1, 10)).toEqual([10, 127]);
    expect(activationRange('relu', 0.1, -128)).toEqual([-128, 127]);
    expect(activationRange('relu6', 0.05, -100)).toEqual([-100, 20]);
    expect(activationRange('relu6', 6 / 255, -128)).toEqual([-128, 127]);
    expect(activationRange('relu', 0.1, -200)).toEqual([-128, 127]);
    expect(clipRange(-1, 1, 0.01, 0)).toEqual([-100, 100]);
    expect(clipRange(-Infinity, Infinity, 0.01, 0)).toEqual([-128, 127]);
  });
});

describe('gemmlowp fixed point (softmax)', () => {
  it('exp(0) is one, exp of negatives tracks Math.exp', () => {
    expect(expOnNegativeValues(0, 5)).toBe(INT32_MAX);
    for (const v of [-0.1, -0.25, -0.5, -1, -2.75, -5, -10, -20]) {
      const raw = Math.round(v * 2 ** 26); // Q5
      const got = expOnNegativeValues(raw, 5) / 2 ** 31;
      expect(Math.abs(got - Math.exp(v))).toBeLessThan(2e-8 + Math.exp(v) * 1e-6);
    }
  });
  it('1/(1+x) and the reciprocal', () => {
    expect(Math.abs(oneOverOnePlusXForXIn01(0) / 2 ** 31 - 1)).toBeLessThan(1e-8);
    expect(Math.abs(oneOverOnePlusXForXIn01(1 << 30) / 2 ** 31 - 2 / 3)).toBeLessThan(1e-8);
    const r = getReciprocal(3 << 19, 12); // 3.0 in Q12
    expect(r.numBitsOverUnit).toBe(1); // 3 = 1.5 · 2^1
    expect(Math.abs((r.scale / 2 ** 31) * 2 ** -r.numBitsOverUnit - 1 / 3)).toBeLessThan(1e-8);
  });
});
