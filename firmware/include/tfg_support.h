/* tfg_support.h: the scalar helpers every kernel family shares, all inline because kernels' inner loops call them:
 * requantization, clamps, N-d index walking, one int8 Add/Mul/requantize, float bits and IEEE half. Requantization
 * must match src/reference/quant.ts bit for bit: it is gemmlowp's SaturatingRoundingDoublingHighMul +
 * RoundingDivideByPOT, exactly as TFLite's MultiplyByQuantizedMultiplier. The other internal headers, each for the
 * kernels that need it: tfg_dsp.h (Cortex-M DSP SIMD), tfg_huff.h (Huffman decoding), tfg_binary.h (1-bit weights
 * and activations), tfg_crc32.h; what they declare but do not inline lives in firmware/support/<header>.c. */
#ifndef TFG_SUPPORT_H
#define TFG_SUPPORT_H

#include <stdint.h>
#include "tfg_kernels.h"
#if !defined(__GNUC__)
#include <string.h>
#endif

#ifdef TFG_DEBUG
#include <assert.h>
#define TFG_DCHECK(cond) assert(cond)
#else
#define TFG_DCHECK(cond) ((void)0)
#endif

#if defined(__GNUC__)
#define TFG_LIKELY(x) __builtin_expect(!!(x), 1)
#define TFG_NOINLINE __attribute__((noinline))
/* For functions defined in firmware/support/: no side effects (TFG_CONST: reads only its arguments; TFG_PURE: also
 * memory), so a call in a kernel's loop does not make the compiler reload what it had in registers. */
#define TFG_CONST __attribute__((const))
#define TFG_PURE __attribute__((pure))
#else
#define TFG_LIKELY(x) (x)
#define TFG_NOINLINE
#define TFG_CONST
#define TFG_PURE
#endif

/* A kernel's inner-loop helper: inlined under -Os too (the Cortex-M0 boards' flag), where a call per output costs more
 * than the helper; at -O2 the compiler's own choice stands. */
#if defined(__GNUC__) && defined(__OPTIMIZE_SIZE__)
#define TFG_HOT_INLINE __attribute__((always_inline))
#else
#define TFG_HOT_INLINE
#endif

static inline int32_t tfg_min_i32(int32_t a, int32_t b) { return a < b ? a : b; }
static inline int32_t tfg_max_i32(int32_t a, int32_t b) { return a > b ? a : b; }
static inline int32_t tfg_clamp_i32(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : (v > hi ? hi : v); }
/* NaN passes through unchanged, like the reference's Math.min/Math.max would not; activations never see NaN in practice. */
static inline float tfg_clamp_f32(float v, float lo, float hi) { return v < lo ? lo : (v > hi ? hi : v); }

/* gemmlowp SaturatingRoundingDoublingHighMul: (a*b*2 + 2^31) >> 32 with round-half-away, saturating the one overflow case.
 * gemmlowp adds 2^30 (or 1 − 2^30 when a·b < 0) and truncates toward zero; for a·b < 0 truncating (v)/2^31 equals
 * flooring (v + 2^31 − 1)/2^31 = (a·b + 2^30)/2^31, so one add and an arithmetic shift serve both signs
 * (SMULL, ADDS/ADC, two shifts on Cortex-M). Assumes arithmetic >> on signed values (gcc, clang). */
static inline int32_t tfg_srdhm(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  const int64_t ab = (int64_t)a * (int64_t)b;
  return (int32_t)((ab + ((int64_t)1 << 30)) >> 31);
}

/* gemmlowp RoundingDivideByPOT: x / 2^exponent rounded half away from zero. Assumes arithmetic >> on signed values (gcc, clang). */
static inline int32_t tfg_rdbpot(int32_t x, int32_t exponent) {
  const int32_t mask = (int32_t)(((uint32_t)1 << exponent) - 1u);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* TFLite MultiplyByQuantizedMultiplier: x * multiplier * 2^shift with shift > 0 a left shift before the high mul.
 * The left shift wraps like two's-complement int32 (done in uint32 to avoid C's signed-overflow UB). */
static inline int32_t tfg_requantize(int32_t x, int32_t multiplier, int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0;
  const int32_t right = shift > 0 ? 0 : -shift;
  return tfg_rdbpot(tfg_srdhm((int32_t)((uint32_t)x << left), multiplier), right);
}

/* acc_a += Σ (x[i] + offset)·wa[i], acc_b += Σ (x[i] + offset)·wb[i] for i < n: the portable int8 kernels' inner loop
 * (two rows share each input load and offset add, sums unrolled by four), exact like the reference's. */
static inline void tfg_dot2_ref_s8(const int8_t *x, const int8_t *wa, const int8_t *wb, int32_t n, int32_t offset,
                                   int32_t *acc_a, int32_t *acc_b) {
  int32_t a = *acc_a, b = *acc_b;
  int32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const int32_t x0 = x[i] + offset, x1 = x[i + 1] + offset, x2 = x[i + 2] + offset, x3 = x[i + 3] + offset;
    a += x0 * wa[i] + x1 * wa[i + 1] + x2 * wa[i + 2] + x3 * wa[i + 3];
    b += x0 * wb[i] + x1 * wb[i + 1] + x2 * wb[i + 2] + x3 * wb[i + 3];
  }
  for (; i < n; ++i) {
    const int32_t xi = x[i] + offset;
    a += xi * wa[i];
    b += xi * wb[i];
  }
  *acc_a = a;
  *acc_b = b;
}

/* Offset of an N-d index under per-dimension strides (stride 0 = broadcast dimension). */
static inline int32_t tfg_nd_offset(int32_t rank, const int32_t *idx, const int32_t *strides) {
  int32_t off = 0;
  for (int32_t d = 0; d < rank; ++d) off += idx[d] * strides[d];
  return off;
}

/* Advances an N-d counter in row-major order; returns 0 after the last index wrapped. */
static inline int32_t tfg_nd_next(int32_t rank, const int32_t *dims, int32_t *idx) {
  for (int32_t d = rank - 1; d >= 0; --d) {
    if (++idx[d] < dims[d]) return 1;
    idx[d] = 0;
  }
  return 0;
}

/* One int8 Add (sign 1) or Sub (sign −1), TFLite reference_integer_ops::AddFunc / SubFunc. */
static inline int8_t tfg_addsub_s8_one(const tfg_add_s8_params *p, int8_t a, int8_t b, int32_t sign) {
  const int32_t sa = (int32_t)((uint32_t)((int32_t)a + p->a_offset) << p->left_shift);
  const int32_t sb = (int32_t)((uint32_t)((int32_t)b + p->b_offset) << p->left_shift);
  const int32_t ra = tfg_requantize(sa, p->a_multiplier, p->a_shift);
  const int32_t rb = tfg_requantize(sb, p->b_multiplier, p->b_shift);
  const int32_t raw =
      tfg_requantize(sign > 0 ? ra + rb : ra - rb, p->output_multiplier, p->output_shift) + p->output_offset;
  return (int8_t)tfg_clamp_i32(raw, p->act_min, p->act_max);
}

/* One int8 requantization, clamped to [lo, hi]; the identity case returns the clamped input. */
static inline int8_t tfg_requant_one(const tfg_requant_params *p, int8_t x, int32_t lo, int32_t hi) {
  if (p->identity) return (int8_t)tfg_clamp_i32(x, lo, hi);
  const int32_t v = tfg_requantize((int32_t)x - p->input_zero_point, p->multiplier, p->shift) + p->output_zero_point;
  return (int8_t)tfg_clamp_i32(v, lo, hi);
}

/* One int8 Mul (TFLite reference_integer_ops::MulElementwise). */
static inline int8_t tfg_mul_s8_one(const tfg_mul_s8_params *p, int8_t a, int8_t b) {
  const int32_t prod = ((int32_t)a + p->a_offset) * ((int32_t)b + p->b_offset);
  const int32_t raw = tfg_requantize(prod, p->output_multiplier, p->output_shift) + p->output_offset;
  return (int8_t)tfg_clamp_i32(raw, p->act_min, p->act_max);
}

/* The float whose IEEE bits are `bits`. */
static inline float tfg_f32_from_bits(uint32_t bits) {
  float f;
#if defined(__GNUC__)
  __builtin_memcpy(&f, &bits, sizeof f); /* inline even under -ffreestanding, where there may be no libc */
#else
  memcpy(&f, &bits, sizeof f);
#endif
  return f;
}

/* Exact half → float conversion (normals, subnormals, ±0, inf, NaN) without hardware FP16 support. */
static inline float tfg_half_to_f32(uint16_t h) {
  const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1Fu;
  uint32_t man = h & 0x3FFu;
  uint32_t bits;
  if (exp == 0x1Fu) {
    bits = sign | 0x7F800000u | (man << 13);
  } else if (exp != 0) {
    bits = sign | ((exp + 112u) << 23) | (man << 13);
  } else if (man == 0) {
    bits = sign;
  } else { /* subnormal: normalise; at most 10 shifts */
    exp = 113u;
    while ((man & 0x400u) == 0) {
      man <<= 1;
      exp--;
    }
    bits = sign | (exp << 23) | ((man & 0x3FFu) << 13);
  }
  return tfg_f32_from_bits(bits);
}

#endif /* TFG_SUPPORT_H */
