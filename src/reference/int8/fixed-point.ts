// gemmlowp fixed-point exp and reciprocal on int32 raw values, as used by TFLite's reference int8 Softmax.
//
// Notation: Qk = gemmlowp FixedPoint<int32_t, k>: k integer bits, 31 − k fractional bits, value = raw / 2^(31−k).
// Every function works on raw int32 values; "SRDHM" is saturatingRoundingDoublingHighMul (= FixedPoint `*`, whose
// result has the sum of the operands' integer bits), "RDBPOT" is roundingDivideByPOT. `+`/`−` are plain int32
// adds (they never overflow on these ranges). Constants are gemmlowp's, given with the real value they encode.
// A C port is mechanical: each line below is one C statement on int32_t (int64_t only inside SRDHM and
// roundingHalfSum).

import { roundingDivideByPOT, saturatingRoundingDoublingHighMul as srdhm, INT32_MAX, INT32_MIN } from '../quant.ts';

/** gemmlowp SaturatingRoundingMultiplyByPOT<exponent>: exponent > 0 saturating left shift, < 0 RDBPOT. */
export function saturatingRoundingMultiplyByPOT(x: number, exponent: number): number {
  if (exponent === 0) return x;
  if (exponent < 0) return roundingDivideByPOT(x, -exponent);
  const threshold = 2 ** (31 - exponent) - 1; // ((1 << (31 - exponent)) - 1)
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return (x << exponent) | 0;
}

/** gemmlowp RoundingHalfSum on int32: (a + b + sign(a + b)) / 2 in int64, C-truncating division. */
export function roundingHalfSum(a: number, b: number): number {
  const sum = a + b; // exact: |sum| < 2^32
  const sign = sum >= 0 ? 1 : -1;
  return Math.trunc((sum + sign) / 2);
}

/** exp(a) for a in [−1/4, 0); a and result Q0.
 *  Taylor series around −1/8: x = a + 1/8 (1/8 = 1 << 28 in Q0),
 *  result = e^(−1/8) + e^(−1/8)·(x + RDBPOT(SRDHM(RDBPOT(x⁴, 2) + x³, 1/3) + x², 1)). */
export function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: number): number {
  const constantTerm = 1895147668; // exp(-1/8) in Q0
  const constant1Over3 = 715827883; // 1/3 in Q0
  const x = (a + (1 << 28)) | 0;
  const x2 = srdhm(x, x);
  const x3 = srdhm(x2, x);
  const x4 = srdhm(x2, x2);
  const x4Over4 = roundingDivideByPOT(x4, 2);
  const poly = roundingDivideByPOT((srdhm((x4Over4 + x3) | 0, constant1Over3) + x2) | 0, 1);
  return (constantTerm + srdhm(constantTerm, (x + poly) | 0)) | 0;
}

/** Barrel-shifter factors exp(−2^k) in Q0 for k = −2 … 4 (gemmlowp GEMMLOWP_EXP_BARREL_SHIFTER). */
const EXP_BARREL: readonly [number, number][] = [
  [-2, 1672461947], // exp(-1/4)
  [-1, 1302514674], // exp(-1/2)
  [0, 790015084], // exp(-1)
  [1, 290630308], // exp(-2)
  [2, 39332535], // exp(-4)
  [3, 720401], // exp(-8)
  [4, 242], // exp(-16)
];

/** exp(a) for a ≤ 0; a is Q(integerBits) (softmax uses Q5), result Q0 (exp(0) = INT32_MAX).
 *  1. aModQuarterMinusQuarter = (a & (quarter − 1)) − quarter, in [−1/4, 0) (quarter = 1 << (fractionalBits − 2));
 *  2. result = expOnInterval(saturating a… << integerBits) (rescale Q(integerBits) → Q0);
 *  3. remainder = aModQuarterMinusQuarter − a (≥ 0, a multiple of 1/4): for each bit 2^k of the remainder that is set
 *     (bit index fractionalBits + k, only for k < integerBits), result = SRDHM(result, exp(−2^k));
 *  4. integerBits > 5 only: a < −32 → 0;  a == 0 → INT32_MAX. */
export function expOnNegativeValues(a: number, integerBits: number): number {
  const fractionalBits = 31 - integerBits;
  const oneQuarter = 1 << (fractionalBits - 2);
  const mask = oneQuarter - 1;
  const aModQuarterMinusOneQuarter = ((a & mask) - oneQuarter) | 0;
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(saturatingRoundingMultiplyByPOT(aModQuarterMinusOneQuarter, integerBits));
  const remainder = (aModQuarterMinusOneQuarter - a) | 0;
  for (const [exponent, multiplier] of EXP_BARREL) {
    if (integerBits > exponent && (remainder & (1 << (fractionalBits + exponent))) !== 0) {
      result = srdhm(result, multiplier);
    }
  }
  if (integerBits > 5) {
    const clampAt = -(2 ** (fractionalBits + 5)); // −32.0 in Q(integerBits)
    if (a < clampAt) result = 0;
  }
  if (a === 0) result = INT32_MAX;
  return result;
}

/** 1 / (1 + a) for a in [0, 1); a Q0, result Q0. Newton–Raphson on the half denominator d = (a + 1) / 2 in Q2:
 *  x0 = 48/17 + d·(−32/17); three times x = x + Rescale<2>(x·(1 − d·x)) (Q4 → Q2, saturating « 2);
 *  result = Rescale<0>(x as Q1) (saturating « 1), i.e. x/2 in Q0. */
export function oneOverOnePlusXForXIn01(a: number): number {
  const halfDenominator = roundingHalfSum(a, INT32_MAX);
  const constant48Over17 = 1515870810; // Q2
  const constantNeg32Over17 = -1010580540; // Q2
  const oneQ2 = 1 << 29;
  let x = (constant48Over17 + srdhm(halfDenominator, constantNeg32Over17)) | 0;
  for (let i = 0; i < 3; i++) {
    const halfDenominatorTimesX = srdhm(halfDenominator, x);
    const oneMinusHalfDenominatorTimesX = (oneQ2 - halfDenominatorTimesX) | 0;
    x = (x + saturatingRoundingMultiplyByPOT(srdhm(x, oneMinusHalfDenominatorTimesX), 2)) | 0;
  }
  return saturatingRoundingMultiplyByPOT(x, 1);
}

/** TFLite GetReciprocal: for x > 0 in Q(integerDigits), returns 1/x as (scale Q0, numBitsOverUnit) with
 *  1/x = scale · 2^−numBitsOverUnit. headroomPlusOne = clz(x); numBitsOverUnit = integerDigits − headroomPlusOne;
 *  shiftedSumMinusOne = (int32)((uint32)x << headroomPlusOne) − (1u << 31)); scale = oneOverOnePlusX(that). */
export function getReciprocal(x: number, integerDigits: number): { scale: number; numBitsOverUnit: number } {
  const headroomPlusOne = Math.clz32(x >>> 0);
  const numBitsOverUnit = integerDigits - headroomPlusOne;
  const shifted = ((x << headroomPlusOne) >>> 0) - 2 ** 31; // uint32 arithmetic, then int32
  return { scale: oneOverOnePlusXForXIn01(shifted | 0), numBitsOverUnit };
}
