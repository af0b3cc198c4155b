/* tfg_softmax_s8: reference int8 softmax (TFLite reference_ops::Softmax, gemmlowp fixed-point exp and reciprocal).
 * Every step is gemmlowp's, in its order, so results equal TFLite's bit for bit. Output scale 1/256, zero point −128. */
#include "tfg_support.h"

/* FixedPoint<int32, 0> one: the saturated maximum. */
#define TFG_FP0_ONE INT32_MAX

/* gemmlowp SaturatingRoundingMultiplyByPOT with a positive exponent: saturating left shift. */
static inline int32_t tfg_sat_shl(int32_t x, int32_t exponent) {
  const int32_t threshold = (int32_t)(((uint32_t)1 << (31 - exponent)) - 1u);
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return (int32_t)((uint32_t)x << exponent);
}

/* exp(a) for a in [−1/4, 0), Q0.31 in and out: Taylor series around −1/8. */
static int32_t tfg_exp_quarter(int32_t a) {
  const int32_t constant_term = 1895147668; /* exp(−1/8) */
  const int32_t constant_1_over_3 = 715827883;
  const int32_t x = a + (1 << 28); /* a + 1/8 */
  const int32_t x2 = tfg_srdhm(x, x);
  const int32_t x3 = tfg_srdhm(x2, x);
  const int32_t x4 = tfg_srdhm(x2, x2);
  const int32_t x4_over_4 = tfg_rdbpot(x4, 2);
  const int32_t poly = tfg_rdbpot(tfg_srdhm(x4_over_4 + x3, constant_1_over_3) + x2, 1);
  return constant_term + tfg_srdhm(constant_term, x + poly);
}

/* gemmlowp exp_on_negative_values for a Q5.26 input a ≤ 0; result Q0.31. */
static int32_t tfg_exp_on_negative_values(int32_t a) {
  static const int32_t multipliers[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  const int32_t one_quarter = 1 << 24; /* 0.25 in Q5.26 */
  const int32_t mask = one_quarter - 1;
  const int32_t a_mod_quarter_minus_one_quarter = (a & mask) - one_quarter;
  int32_t result = tfg_exp_quarter(tfg_sat_shl(a_mod_quarter_minus_one_quarter, 5));
  const int32_t remainder = a_mod_quarter_minus_one_quarter - a;
  for (int32_t k = 0; k < 7; ++k) { /* exponents −2 … +4: bit (26 + exponent) of the remainder */
    if (remainder & (1 << (24 + k))) result = tfg_srdhm(result, multipliers[k]);
  }
  return a == 0 ? TFG_FP0_ONE : result;
}

/* gemmlowp one_over_one_plus_x_for_x_in_0_1: Newton-Raphson, Q0.31 in and out. */
static int32_t tfg_one_over_one_plus_x(int32_t a) {
  const int64_t sum = (int64_t)a + TFG_FP0_ONE;
  const int32_t half_denominator = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2); /* RoundingHalfSum */
  const int32_t constant_48_over_17 = 1515870810;                              /* Q2.29 */
  const int32_t constant_neg_32_over_17 = -1010580540;
  int32_t x = constant_48_over_17 + tfg_srdhm(half_denominator, constant_neg_32_over_17);
  for (int32_t i = 0; i < 3; ++i) {
    const int32_t half_denominator_times_x = tfg_srdhm(half_denominator, x);
    const int32_t one_minus = (1 << 29) - half_denominator_times_x;
    x = x + tfg_sat_shl(tfg_srdhm(x, one_minus), 2);
  }
  return tfg_sat_shl(x, 1);
}

static int32_t tfg_clz32(uint32_t x) {
  int32_t n = 0;
  if (x == 0) return 32;
  while (!(x & 0x80000000u)) {
    x <<= 1;
    ++n;
  }
  return n;
}

tfg_status tfg_softmax_s8(const tfg_softmax_s8_params *p, const int8_t *in, int8_t *out) {
  for (int32_t o = 0; o < p->outer; ++o) {
    for (int32_t j = 0; j < p->inner; ++j) {
      const int8_t *x = in + (size_t)o * p->depth * p->inner + j;
      int8_t *y = out + (size_t)o * p->depth * p->inner + j;
      int32_t max = -128;
      for (int32_t d = 0; d < p->depth; ++d) max = tfg_max_i32(max, x[(size_t)d * p->inner]);
      int32_t sum_of_exps = 0; /* Q12.19 */
      for (int32_t d = 0; d < p->depth; ++d) {
        const int32_t diff = (int32_t)x[(size_t)d * p->inner] - max;
        if (diff >= p->diff_min) {
          const int32_t scaled = tfg_requantize(diff, p->input_multiplier, p->input_left_shift);
          sum_of_exps += tfg_rdbpot(tfg_exp_on_negative_values(scaled), 12);
        }
      }
      /* GetReciprocal(sum_of_exps, 12) */
      const int32_t headroom_plus_one = tfg_clz32((uint32_t)sum_of_exps);
      const int32_t num_bits_over_unit = 12 - headroom_plus_one;
      const int32_t shifted_sum_minus_one =
          (int32_t)(((uint32_t)sum_of_exps << headroom_plus_one) - ((uint32_t)1 << 31));
      const int32_t shifted_scale = tfg_one_over_one_plus_x(shifted_sum_minus_one);
      for (int32_t d = 0; d < p->depth; ++d) {
        const int32_t diff = (int32_t)x[(size_t)d * p->inner] - max;
        int32_t v = -128;
        if (diff >= p->diff_min) {
          const int32_t scaled = tfg_requantize(diff, p->input_multiplier, p->input_left_shift);
          const int32_t e = tfg_exp_on_negative_values(scaled);
          const int32_t unsat = tfg_rdbpot(tfg_srdhm(shifted_scale, e), num_bits_over_unit + 31 - 8);
          v = tfg_clamp_i32(unsat - 128, -128, 127);
        }
        y[(size_t)d * p->inner] = (int8_t)v;
      }
    }
  }
  return TFG_OK;
}
