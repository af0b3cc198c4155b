/* tfg_support.h: internal inline helpers shared by the kernels (requantization, clamps, N-d index walking).
 * Requantization must match src/reference/quant.ts bit for bit: it is gemmlowp's
 * SaturatingRoundingDoublingHighMul + RoundingDivideByPOT, exactly as TFLite's MultiplyByQuantizedMultiplier. */
#ifndef TFG_SUPPORT_H
#define TFG_SUPPORT_H

#include <stdint.h>
#include "tfg_kernels.h"

#ifdef TFG_DEBUG
#include <assert.h>
#define TFG_DCHECK(cond) assert(cond)
#else
#define TFG_DCHECK(cond) ((void)0)
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
  const int32_t raw = tfg_requantize(sign > 0 ? ra + rb : ra - rb, p->output_multiplier, p->output_shift) + p->output_offset;
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

/* ---- SIMD helpers for the _dsp kernels: Cortex-M4/M7 DSP instructions, or the same arithmetic in portable C
 * (so the _dsp kernels also build and are tested on the host; only the instruction count differs). ---- */
#if !defined(__GNUC__)
#include <string.h>
#endif

/* Unaligned little-endian 32-bit load; compiles to one LDR on Cortex-M3/M4/M7 (unaligned access allowed). */
static inline uint32_t tfg_load32(const int8_t *p) {
  uint32_t v;
#if defined(__GNUC__)
  __builtin_memcpy(&v, p, sizeof v); /* stays inline under -ffreestanding, where plain memcpy becomes a call */
#else
  memcpy(&v, p, sizeof v);
#endif
  return v;
}

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP == 1
#include <arm_acle.h>
/* bytes 0 and 2, sign-extended to two int16 */
static inline int32_t tfg_sxtb16(uint32_t x) { return (int32_t)__sxtb16((int8x4_t)x); }
/* bytes 1 and 3, sign-extended (SXTB16 with its free ROR #8; GCC does not fuse a C rotate into it) */
static inline int32_t tfg_sxtb16_ror8(uint32_t x) {
  int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}
static inline int32_t tfg_sadd16(int32_t a, int32_t b) { return (int32_t)__sadd16((int16x2_t)a, (int16x2_t)b); }
/* acc + a.lo·b.lo + a.hi·b.hi */
static inline int32_t tfg_smlad(int32_t a, int32_t b, int32_t acc) { return __smlad((int16x2_t)a, (int16x2_t)b, acc); }
/* acc + a.lo·b.lo and acc + a.hi·b.hi (one 16×16 MAC each, for per-channel sums that SMLAD would mix) */
static inline int32_t tfg_smlabb(int32_t a, int32_t b, int32_t acc) { return __smlabb(a, b, acc); }
static inline int32_t tfg_smlatt(int32_t a, int32_t b, int32_t acc) { return __smlatt(a, b, acc); }
#else
static inline int32_t tfg_pack16(int32_t lo, int32_t hi) { return (int32_t)(((uint32_t)lo & 0xFFFFu) | ((uint32_t)hi << 16)); }
static inline int32_t tfg_lo16(int32_t x) { return (int32_t)(int16_t)(uint16_t)((uint32_t)x & 0xFFFFu); }
static inline int32_t tfg_hi16(int32_t x) { return (int32_t)(int16_t)(uint16_t)((uint32_t)x >> 16); }
static inline int32_t tfg_sxtb16(uint32_t x) { return tfg_pack16((int8_t)(uint8_t)(x & 0xFFu), (int8_t)(uint8_t)((x >> 16) & 0xFFu)); }
static inline int32_t tfg_sxtb16_ror8(uint32_t x) { return tfg_sxtb16((x >> 8) | (x << 24)); }
static inline int32_t tfg_sadd16(int32_t a, int32_t b) { return tfg_pack16(tfg_lo16(a) + tfg_lo16(b), tfg_hi16(a) + tfg_hi16(b)); }
static inline int32_t tfg_smlad(int32_t a, int32_t b, int32_t acc) {
  return (int32_t)((uint32_t)acc + (uint32_t)(tfg_lo16(a) * tfg_lo16(b)) + (uint32_t)(tfg_hi16(a) * tfg_hi16(b)));
}
static inline int32_t tfg_smlabb(int32_t a, int32_t b, int32_t acc) { return (int32_t)((uint32_t)acc + (uint32_t)(tfg_lo16(a) * tfg_lo16(b))); }
static inline int32_t tfg_smlatt(int32_t a, int32_t b, int32_t acc) { return (int32_t)((uint32_t)acc + (uint32_t)(tfg_hi16(a) * tfg_hi16(b))); }
#endif

/* Two dot products sharing one int8 vector: acc0 += Σ (x[i] + offset)·w0[i], acc1 += Σ (x[i] + offset)·w1[i].
 * Four inputs per step: one load and two SXTB16 + SADD16 pairs for x, then per row one load, two SXTB16, two SMLAD
 * (≈ 2.2 instructions per MAC). Integer sums are exact, so the order change keeps results bit-identical. */
static inline void tfg_dot2_s8(const int8_t *x, const int8_t *w0, const int8_t *w1, int32_t n, int32_t offset,
                               int32_t *acc0, int32_t *acc1) {
  const int32_t off2 = (int32_t)(((uint32_t)offset & 0xFFFFu) | ((uint32_t)offset << 16));
  int32_t a0 = *acc0, a1 = *acc1;
  int32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const uint32_t xv = tfg_load32(x + i);
    const int32_t xa = tfg_sadd16(tfg_sxtb16(xv), off2);      /* x0, x2 */
    const int32_t xb = tfg_sadd16(tfg_sxtb16_ror8(xv), off2); /* x1, x3 */
    const uint32_t v0 = tfg_load32(w0 + i);
    a0 = tfg_smlad(xa, tfg_sxtb16(v0), a0);
    a0 = tfg_smlad(xb, tfg_sxtb16_ror8(v0), a0);
    const uint32_t v1 = tfg_load32(w1 + i);
    a1 = tfg_smlad(xa, tfg_sxtb16(v1), a1);
    a1 = tfg_smlad(xb, tfg_sxtb16_ror8(v1), a1);
  }
  for (; i < n; ++i) {
    const int32_t xi = (int32_t)x[i] + offset;
    a0 += xi * (int32_t)w0[i];
    a1 += xi * (int32_t)w1[i];
  }
  *acc0 = a0;
  *acc1 = a1;
}

/* One dot product, same arithmetic as tfg_dot2_s8. */
static inline int32_t tfg_dot1_s8(const int8_t *x, const int8_t *w, int32_t n, int32_t offset, int32_t acc) {
  const int32_t off2 = (int32_t)(((uint32_t)offset & 0xFFFFu) | ((uint32_t)offset << 16));
  int32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const uint32_t xv = tfg_load32(x + i);
    const uint32_t v = tfg_load32(w + i);
    acc = tfg_smlad(tfg_sadd16(tfg_sxtb16(xv), off2), tfg_sxtb16(v), acc);
    acc = tfg_smlad(tfg_sadd16(tfg_sxtb16_ror8(xv), off2), tfg_sxtb16_ror8(v), acc);
  }
  for (; i < n; ++i) acc += ((int32_t)x[i] + offset) * (int32_t)w[i];
  return acc;
}

/* Word load from a 4-byte aligned address (codegen's interleaved weights, the kernels' int16 column buffers): lets
 * gcc pair neighbouring loads into LDRD. */
static inline uint32_t tfg_load32a(const void *p) {
  uint32_t v;
#if defined(__GNUC__)
  __builtin_memcpy(&v, __builtin_assume_aligned(p, 4), sizeof v);
#else
  memcpy(&v, p, sizeof v);
#endif
  return v;
}

static inline void tfg_store32a(void *p, int32_t v) {
#if defined(__GNUC__)
  __builtin_memcpy(__builtin_assume_aligned(p, 4), &v, sizeof v);
#else
  memcpy(p, &v, sizeof v);
#endif
}

#if defined(__GNUC__)
#define TFG_LIKELY(x) __builtin_expect(!!(x), 1)
#else
#define TFG_LIKELY(x) (x)
#endif

/* (a·b + 2^31) >> 32, rounding high multiply (SMMULR on the DSP cores). */
static inline int32_t tfg_smmulr(int32_t a, int32_t b) {
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP == 1
  int32_t r;
  __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
#else
  return (int32_t)(((int64_t)a * (int64_t)b + ((int64_t)1 << 31)) >> 32);
#endif
}

/* tfg_requantize + output offset + clamp for the _dsp kernels (tfg_s8_dsp_quant), bit-exact with the reference kernels'
 * per-channel requantization. For a right shift r = −shift ≥ 1 (code e = r − 1 ≥ 0): SRDHM(acc, m) =
 * floor((acc·m + 2^30) / 2^31) is SMMULR(2·acc, m), and RoundingDivideByPOT(v, r) + zp is
 * ((v − [v < 0]) >> (r − 1) + 1 + 2·zp) >> 1 (half away from zero as two floors). Other channels (shift ≥ 0, or an
 * accumulator bound codegen could not prove) carry e = shift − 64 < 0 and take the general path. */
#if defined(__GNUC__)
#define TFG_NOINLINE __attribute__((noinline, unused)) /* unused: kernels that never requantize include it too */
#else
#define TFG_NOINLINE
#endif

/* The general path of tfg_requant_dsp, out of line: rare, and inlined it would repeat in every unrolled output. */
static TFG_NOINLINE int32_t tfg_requant_dsp_general(int32_t acc, int32_t multiplier, int32_t shift, int32_t output_offset) {
  return tfg_requantize(acc, multiplier, shift) + output_offset;
}

/* tfg_requant_dsp without the activation clamp (output offset included). */
static inline int32_t tfg_requant_dsp_raw(const tfg_s8_dsp_quant *q, int32_t acc, int32_t c) {
  const int32_t e = q->shift_code[c];
  if (TFG_LIKELY(e >= 0)) {
    const int32_t v = tfg_smmulr((int32_t)((uint32_t)acc << 1), q->multiplier[c]);
    return (((v + (v >> 31)) >> e) + q->round_offset) >> 1;
  }
  return tfg_requant_dsp_general(acc, q->multiplier[c], e + 64, q->output_offset);
}

static inline int8_t tfg_requant_dsp(const tfg_s8_dsp_quant *q, int32_t acc, int32_t c) {
  return (int8_t)tfg_clamp_i32(tfg_requant_dsp_raw(q, acc, c), q->act_min, q->act_max);
}

/* Saturation to int8 (one SSAT on the DSP cores). */
static inline int32_t tfg_ssat8(int32_t v) {
#if defined(__ARM_FEATURE_SAT) && __ARM_FEATURE_SAT == 1 /* Cortex-M3 too, which has no DSP extension */
  int32_t r;
  __asm__("ssat %0, #8, %1" : "=r"(r) : "r"(v));
  return r;
#else
  return tfg_clamp_i32(v, -128, 127);
#endif
}

/* Four requantized outputs (raw values of tfg_requant_dsp_raw) stored as int8: one SSAT each, and the activation
 * clamp only when the layer's range is narrower than int8 (`narrow`, a per-call constant: a branch per four outputs). */
static inline void tfg_store4_dsp(const tfg_s8_dsp_quant *q, int32_t narrow, int32_t v0, int32_t v1, int32_t v2, int32_t v3,
                                  int8_t *y0, int8_t *y1, int8_t *y2, int8_t *y3) {
  if (narrow) {
    v0 = tfg_clamp_i32(v0, q->act_min, q->act_max);
    v1 = tfg_clamp_i32(v1, q->act_min, q->act_max);
    v2 = tfg_clamp_i32(v2, q->act_min, q->act_max);
    v3 = tfg_clamp_i32(v3, q->act_min, q->act_max);
  }
  *y0 = (int8_t)tfg_ssat8(v0);
  *y1 = (int8_t)tfg_ssat8(v1);
  *y2 = (int8_t)tfg_ssat8(v2);
  *y3 = (int8_t)tfg_ssat8(v3);
}

/* One output pixel's receptive field as int16 (x + offset; padded taps 0) into column j of an interleaved 2-column
 * buffer: element k of column j sits at cols[(k / 4)·8 + 4·j + k % 4], the K rounded up to 4 zero-filled. When in_c
 * is a multiple of 4 each group of 4 is stored in SXTB16 order (x0, x2, x1, x3), so it pairs with SXTB16 / SXTB16 ROR 8
 * of natural weight words; otherwise it is stored in natural order and codegen permutes the weight bytes instead
 * (TS: convColumnOrderPermuted). */
static inline void tfg_gather_col_s16(const tfg_conv_geom16 *g, const int8_t *img, int32_t oy, int32_t ox, int32_t offset,
                                      int16_t *cols, int32_t j, int16_t *tmp) {
  const int32_t in_c = g->in_c;
  const int32_t iy0 = oy * g->stride_h - g->pad_top, ix0 = ox * g->stride_w - g->pad_left;
  int16_t *base = cols + 4 * j;
  if ((in_c & 3) == 0) {
    const int32_t off2 = (int32_t)(((uint32_t)offset & 0xFFFFu) | ((uint32_t)offset << 16));
    int16_t *dst = base;
    for (int32_t ky = 0; ky < g->k_h; ++ky) {
      const int32_t iy = iy0 + ky * g->dil_h;
      for (int32_t kx = 0; kx < g->k_w; ++kx) {
        const int32_t ix = ix0 + kx * g->dil_w;
        if (iy < 0 || iy >= g->in_h || ix < 0 || ix >= g->in_w) {
          for (int32_t c = 0; c < in_c; c += 4, dst += 8) {
            tfg_store32a(dst, 0);
            tfg_store32a(dst + 2, 0);
          }
        } else {
          const int8_t *src = img + ((size_t)iy * g->in_w + ix) * in_c;
          for (int32_t c = 0; c < in_c; c += 4, dst += 8) {
            const uint32_t v = tfg_load32(src + c);
            tfg_store32a(dst, tfg_sadd16(tfg_sxtb16(v), off2));
            tfg_store32a(dst + 2, tfg_sadd16(tfg_sxtb16_ror8(v), off2));
          }
        }
      }
    }
    return;
  }
  /* natural order: the field into the caller's contiguous int16 row tmp (K rounded up to 4) first (a window row that
   * lies inside the image is one run of k_w·in_c bytes when dil_w = 1), then copied group by group into column j */
  const int32_t run = g->k_w * in_c;
  const int32_t row_inside = ix0 >= 0 && ix0 + (g->k_w - 1) * g->dil_w < g->in_w && g->dil_w == 1;
  int16_t *t = tmp;
  for (int32_t ky = 0; ky < g->k_h; ++ky) {
    const int32_t iy = iy0 + ky * g->dil_h;
    if (iy < 0 || iy >= g->in_h) {
      for (int32_t i = 0; i < run; ++i) *t++ = 0;
    } else if (row_inside) {
      const int8_t *src = img + ((size_t)iy * g->in_w + ix0) * in_c;
      for (int32_t i = 0; i < run; ++i) *t++ = (int16_t)(src[i] + offset);
    } else {
      for (int32_t kx = 0; kx < g->k_w; ++kx) {
        const int32_t ix = ix0 + kx * g->dil_w;
        if (ix < 0 || ix >= g->in_w) {
          for (int32_t c = 0; c < in_c; ++c) *t++ = 0;
        } else {
          const int8_t *src = img + ((size_t)iy * g->in_w + ix) * in_c;
          for (int32_t c = 0; c < in_c; ++c) *t++ = (int16_t)(src[c] + offset);
        }
      }
    }
  }
  const int32_t k = g->k_h * run;
  for (int32_t i = k; (i & 3) != 0; ++i) *t++ = 0;
  for (int32_t i = 0; i < k; i += 4, base += 8) {
    tfg_store32a(base, (int32_t)tfg_load32a(tmp + i));
    tfg_store32a(base + 2, (int32_t)tfg_load32a(tmp + i + 2));
  }
}

/* 2 columns × 2 output channels over `groups` groups of 4: cols interleaved as tfg_gather_col_s16 writes them, w the
 * channel pair's interleaved weights (per group: 4 bytes of the first channel, then 4 of the second). Per group: 6 word
 * loads, 4 SXTB16, 8 SMLAD for 16 MACs. acc = {ch0·col0, ch1·col0, ch0·col1, ch1·col1}. */
static inline void tfg_gemm2x2_s16(const int16_t *cols, const int8_t *w, int32_t groups, int32_t *acc) {
  int32_t a00 = acc[0], a01 = acc[1], a10 = acc[2], a11 = acc[3];
  for (int32_t i = 0; i < groups; ++i) {
    const uint32_t wv0 = tfg_load32a(w);
    const int32_t w0a = tfg_sxtb16(wv0), w0b = tfg_sxtb16_ror8(wv0);
    const int32_t x0a = (int32_t)tfg_load32a(cols), x0b = (int32_t)tfg_load32a(cols + 2);
    a00 = tfg_smlad(x0b, w0b, tfg_smlad(x0a, w0a, a00));
    const int32_t x1a = (int32_t)tfg_load32a(cols + 4), x1b = (int32_t)tfg_load32a(cols + 6);
    a10 = tfg_smlad(x1b, w0b, tfg_smlad(x1a, w0a, a10));
    const uint32_t wv1 = tfg_load32a(w + 4);
    const int32_t w1a = tfg_sxtb16(wv1), w1b = tfg_sxtb16_ror8(wv1);
    a01 = tfg_smlad(x0b, w1b, tfg_smlad(x0a, w1a, a01));
    a11 = tfg_smlad(x1b, w1b, tfg_smlad(x1a, w1a, a11));
    cols += 8;
    w += 8;
  }
  acc[0] = a00;
  acc[1] = a01;
  acc[2] = a10;
  acc[3] = a11;
}

/* The output channel loop shared by the im2col and 1×1 kernels: every channel pair of w2 (codegen's interleaved,
 * zero-padded weights, `groups` groups of 4 per channel) against the two gathered columns, requantized into y0 and
 * y1 (y1 == y0 when the second column repeats the first). bias2 is codegen's bias padded to an even count (zeros when
 * the node has none). */
static inline void tfg_gemm_cols_s8(const tfg_s8_dsp_quant *q, const int16_t *cols, const int8_t *w2, const int32_t *bias2,
                                    int32_t n_out, int32_t groups, int8_t *y0, int8_t *y1) {
  const tfg_s8_dsp_quant qv = *q; /* a local copy: the int8 stores below could alias *q, which would force reloads */
  const int32_t narrow = qv.act_min > -128 || qv.act_max < 127;
  int32_t oc = 0;
  for (; oc + 2 <= n_out; oc += 2, w2 += 8 * groups) {
    int32_t acc[4] = {bias2[oc], bias2[oc + 1], bias2[oc], bias2[oc + 1]};
    tfg_gemm2x2_s16(cols, w2, groups, acc);
    tfg_store4_dsp(&qv, narrow, tfg_requant_dsp_raw(&qv, acc[0], oc), tfg_requant_dsp_raw(&qv, acc[1], oc + 1),
                   tfg_requant_dsp_raw(&qv, acc[2], oc), tfg_requant_dsp_raw(&qv, acc[3], oc + 1),
                   y0 + oc, y0 + oc + 1, y1 + oc, y1 + oc + 1);
  }
  if (oc < n_out) { /* odd last channel: its partner row is zeros */
    int32_t acc[4] = {bias2[oc], 0, bias2[oc], 0};
    tfg_gemm2x2_s16(cols, w2, groups, acc);
    y0[oc] = tfg_requant_dsp(&qv, acc[0], oc);
    y1[oc] = tfg_requant_dsp(&qv, acc[2], oc);
  }
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
    while ((man & 0x400u) == 0) { man <<= 1; exp--; }
    bits = sign | (exp << 23) | ((man & 0x3FFu) << 13);
  }
  return tfg_f32_from_bits(bits);
}

/* ---- Huffman bit stream shared by the packed (Deep Compression) kernels: a 32-bit bit buffer refilled byte by byte,
 * a per-code lookup table on the next table_bits bits, the canonical walk for longer codes, CRC-32 checked up front. ---- */
typedef struct {
  const uint8_t *data;
  uint32_t next, bytes; /* next byte to load; stream bytes (never loaded past) */
  uint32_t buf;         /* unread bits, MSB-aligned; zeros below the loaded ones */
  int32_t have;         /* loaded bits in buf; negative once codes ran past the last byte (zeros were decoded) */
} tfg_huff_reader;

/** RAM of one reader (what a streaming decoder needs besides the kernel's locals). */
#define TFG_HUFF_READER_BYTES ((int32_t)sizeof(tfg_huff_reader))

/* Where the parts of a checked stream's `data` start (tfg_huff_open); bias_half is NULL when the stream holds none. */
typedef struct {
  const uint8_t *bias_half, *index_lengths, *gap_lengths, *stream;
  uint32_t stream_bytes;
} tfg_huff_parts;

static inline tfg_huff_reader tfg_huff_reader_init(const tfg_huff_parts *p) {
  tfg_huff_reader r = { p->stream, 0u, p->stream_bytes, 0u, 0 };
  return r;
}

/* After the last symbol: did the codes use exactly the stream's `bits`? Codes running into the last byte's padding or
 * past the end (decoded from zeros, never read from memory) fail here; the CRC already vouched for the bytes. */
static inline int32_t tfg_huff_used_exactly(const tfg_huff_reader *r, uint32_t bits) {
  return r->have >= 0 && r->next * 8u - (uint32_t)r->have == bits;
}

/* CRC-32/IEEE (zlib) of n more bytes after a CRC of `crc` (0 to start), one table lookup per byte (a 1 KB function-local
 * table: only decoding kernels carry it). */
static inline uint32_t tfg_crc32_update(uint32_t crc, const uint8_t *p, uint32_t n) {
  static const uint32_t t[256] = {
    0x00000000u, 0x77073096u, 0xEE0E612Cu, 0x990951BAu, 0x076DC419u, 0x706AF48Fu, 0xE963A535u, 0x9E6495A3u,
    0x0EDB8832u, 0x79DCB8A4u, 0xE0D5E91Eu, 0x97D2D988u, 0x09B64C2Bu, 0x7EB17CBDu, 0xE7B82D07u, 0x90BF1D91u,
    0x1DB71064u, 0x6AB020F2u, 0xF3B97148u, 0x84BE41DEu, 0x1ADAD47Du, 0x6DDDE4EBu, 0xF4D4B551u, 0x83D385C7u,
    0x136C9856u, 0x646BA8C0u, 0xFD62F97Au, 0x8A65C9ECu, 0x14015C4Fu, 0x63066CD9u, 0xFA0F3D63u, 0x8D080DF5u,
    0x3B6E20C8u, 0x4C69105Eu, 0xD56041E4u, 0xA2677172u, 0x3C03E4D1u, 0x4B04D447u, 0xD20D85FDu, 0xA50AB56Bu,
    0x35B5A8FAu, 0x42B2986Cu, 0xDBBBC9D6u, 0xACBCF940u, 0x32D86CE3u, 0x45DF5C75u, 0xDCD60DCFu, 0xABD13D59u,
    0x26D930ACu, 0x51DE003Au, 0xC8D75180u, 0xBFD06116u, 0x21B4F4B5u, 0x56B3C423u, 0xCFBA9599u, 0xB8BDA50Fu,
    0x2802B89Eu, 0x5F058808u, 0xC60CD9B2u, 0xB10BE924u, 0x2F6F7C87u, 0x58684C11u, 0xC1611DABu, 0xB6662D3Du,
    0x76DC4190u, 0x01DB7106u, 0x98D220BCu, 0xEFD5102Au, 0x71B18589u, 0x06B6B51Fu, 0x9FBFE4A5u, 0xE8B8D433u,
    0x7807C9A2u, 0x0F00F934u, 0x9609A88Eu, 0xE10E9818u, 0x7F6A0DBBu, 0x086D3D2Du, 0x91646C97u, 0xE6635C01u,
    0x6B6B51F4u, 0x1C6C6162u, 0x856530D8u, 0xF262004Eu, 0x6C0695EDu, 0x1B01A57Bu, 0x8208F4C1u, 0xF50FC457u,
    0x65B0D9C6u, 0x12B7E950u, 0x8BBEB8EAu, 0xFCB9887Cu, 0x62DD1DDFu, 0x15DA2D49u, 0x8CD37CF3u, 0xFBD44C65u,
    0x4DB26158u, 0x3AB551CEu, 0xA3BC0074u, 0xD4BB30E2u, 0x4ADFA541u, 0x3DD895D7u, 0xA4D1C46Du, 0xD3D6F4FBu,
    0x4369E96Au, 0x346ED9FCu, 0xAD678846u, 0xDA60B8D0u, 0x44042D73u, 0x33031DE5u, 0xAA0A4C5Fu, 0xDD0D7CC9u,
    0x5005713Cu, 0x270241AAu, 0xBE0B1010u, 0xC90C2086u, 0x5768B525u, 0x206F85B3u, 0xB966D409u, 0xCE61E49Fu,
    0x5EDEF90Eu, 0x29D9C998u, 0xB0D09822u, 0xC7D7A8B4u, 0x59B33D17u, 0x2EB40D81u, 0xB7BD5C3Bu, 0xC0BA6CADu,
    0xEDB88320u, 0x9ABFB3B6u, 0x03B6E20Cu, 0x74B1D29Au, 0xEAD54739u, 0x9DD277AFu, 0x04DB2615u, 0x73DC1683u,
    0xE3630B12u, 0x94643B84u, 0x0D6D6A3Eu, 0x7A6A5AA8u, 0xE40ECF0Bu, 0x9309FF9Du, 0x0A00AE27u, 0x7D079EB1u,
    0xF00F9344u, 0x8708A3D2u, 0x1E01F268u, 0x6906C2FEu, 0xF762575Du, 0x806567CBu, 0x196C3671u, 0x6E6B06E7u,
    0xFED41B76u, 0x89D32BE0u, 0x10DA7A5Au, 0x67DD4ACCu, 0xF9B9DF6Fu, 0x8EBEEFF9u, 0x17B7BE43u, 0x60B08ED5u,
    0xD6D6A3E8u, 0xA1D1937Eu, 0x38D8C2C4u, 0x4FDFF252u, 0xD1BB67F1u, 0xA6BC5767u, 0x3FB506DDu, 0x48B2364Bu,
    0xD80D2BDAu, 0xAF0A1B4Cu, 0x36034AF6u, 0x41047A60u, 0xDF60EFC3u, 0xA867DF55u, 0x316E8EEFu, 0x4669BE79u,
    0xCB61B38Cu, 0xBC66831Au, 0x256FD2A0u, 0x5268E236u, 0xCC0C7795u, 0xBB0B4703u, 0x220216B9u, 0x5505262Fu,
    0xC5BA3BBEu, 0xB2BD0B28u, 0x2BB45A92u, 0x5CB36A04u, 0xC2D7FFA7u, 0xB5D0CF31u, 0x2CD99E8Bu, 0x5BDEAE1Du,
    0x9B64C2B0u, 0xEC63F226u, 0x756AA39Cu, 0x026D930Au, 0x9C0906A9u, 0xEB0E363Fu, 0x72076785u, 0x05005713u,
    0x95BF4A82u, 0xE2B87A14u, 0x7BB12BAEu, 0x0CB61B38u, 0x92D28E9Bu, 0xE5D5BE0Du, 0x7CDCEFB7u, 0x0BDBDF21u,
    0x86D3D2D4u, 0xF1D4E242u, 0x68DDB3F8u, 0x1FDA836Eu, 0x81BE16CDu, 0xF6B9265Bu, 0x6FB077E1u, 0x18B74777u,
    0x88085AE6u, 0xFF0F6A70u, 0x66063BCAu, 0x11010B5Cu, 0x8F659EFFu, 0xF862AE69u, 0x616BFFD3u, 0x166CCF45u,
    0xA00AE278u, 0xD70DD2EEu, 0x4E048354u, 0x3903B3C2u, 0xA7672661u, 0xD06016F7u, 0x4969474Du, 0x3E6E77DBu,
    0xAED16A4Au, 0xD9D65ADCu, 0x40DF0B66u, 0x37D83BF0u, 0xA9BCAE53u, 0xDEBB9EC5u, 0x47B2CF7Fu, 0x30B5FFE9u,
    0xBDBDF21Cu, 0xCABAC28Au, 0x53B39330u, 0x24B4A3A6u, 0xBAD03605u, 0xCDD70693u, 0x54DE5729u, 0x23D967BFu,
    0xB3667A2Eu, 0xC4614AB8u, 0x5D681B02u, 0x2A6F2B94u, 0xB40BBE37u, 0xC30C8EA1u, 0x5A05DF1Bu, 0x2D02EF8Du,
  };
  uint32_t c = crc ^ 0xFFFFFFFFu;
  for (uint32_t i = 0; i < n; ++i) c = t[(c ^ p[i]) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

static inline uint32_t tfg_crc32(const uint8_t *p, uint32_t n) { return tfg_crc32_update(0u, p, n); }

/* Bytes of a code's nibble lengths for n symbols. */
#define TFG_HUFF_LENGTHS_BYTES(n) (((uint32_t)(n) + 1u) / 2u)

/* Symbols of the stream's codes: codebook_n1 + 1 for the index, gap_escape + 1 for the gap (0 when dense); table widths. */
static inline uint32_t tfg_huff_codebook_n(const tfg_huff_stream *s) { return (uint32_t)s->codebook_n1 + 1u; }
static inline uint32_t tfg_huff_gap_symbols(const tfg_huff_stream *s) { return s->gap_escape > 0 ? (uint32_t)s->gap_escape + 1u : 0u; }
static inline uint32_t tfg_huff_index_table_bits(const tfg_huff_stream *s) { return s->table_bits & 0xFu; }
static inline uint32_t tfg_huff_gap_table_bits(const tfg_huff_stream *s) { return (uint32_t)s->table_bits >> 4; }

/* IEEE half at p (little-endian) as float. */
static inline float tfg_half_at(const uint8_t *p, uint32_t i) { return tfg_half_to_f32((uint16_t)(p[2u * i] | (p[2u * i + 1u] << 8))); }

/* Header checks before any decoding (at most `total` coded weights, table widths the decoders can hold, parts that add
 * up to `bytes`, CRC-32 over all of `data`), then where the parts of `data` start into *p. The codebook takes 1 byte an
 * entry (TFG_HUFF_INT8_CODEBOOK), 2 (TFG_HUFF_HALF_CODEBOOK) or 4 (float). out_c: the layer's output channels (the
 * count of biases a TFG_HUFF_HALF_BIAS stream holds). 0 when damaged. */
static inline int32_t tfg_huff_check(const tfg_huff_stream *s, uint32_t total, uint32_t out_c, tfg_huff_parts *p) {
  const uint32_t n = tfg_huff_codebook_n(s), ib = tfg_huff_index_table_bits(s), gb = tfg_huff_gap_table_bits(s);
  if (!s->data || s->count > total || ib < 1 || ib > TFG_HUFF_TABLE_BITS_MAX) return 0;
  if (s->gap_escape > 0 && (gb < 1 || gb > TFG_HUFF_TABLE_BITS_MAX)) return 0;
  const uint32_t entry_bytes = (s->flags & TFG_HUFF_INT8_CODEBOOK) ? 1u : (s->flags & TFG_HUFF_HALF_CODEBOOK) ? 2u : 4u;
  const uint32_t codebook_bytes = n * entry_bytes;
  const uint32_t bias_bytes = (s->flags & TFG_HUFF_HALF_BIAS) ? 2u * out_c : 0u;
  p->bias_half = bias_bytes ? s->data + codebook_bytes : NULL;
  p->index_lengths = s->data + codebook_bytes + bias_bytes;
  p->gap_lengths = p->index_lengths + TFG_HUFF_LENGTHS_BYTES(n);
  p->stream = p->gap_lengths + TFG_HUFF_LENGTHS_BYTES(tfg_huff_gap_symbols(s));
  p->stream_bytes = (s->bits + 7u) / 8u;
  return (uint32_t)(p->stream - s->data) + p->stream_bytes == s->bytes && tfg_crc32(s->data, s->bytes) == s->crc32;
}

/* A float kernel's tfg_huff_check, then the codebook as floats into codebook[tfg_huff_codebook_n(s)]. 0 when damaged or
 * when the stream holds int8 codes (an int8 kernel's). */
static inline int32_t tfg_huff_open(const tfg_huff_stream *s, uint32_t total, uint32_t out_c, float *codebook, tfg_huff_parts *p) {
  if ((s->flags & (TFG_HUFF_INT8_CODEBOOK | TFG_HUFF_ONE_SCALE)) || !tfg_huff_check(s, total, out_c, p)) return 0;
  const int32_t half_cb = (s->flags & TFG_HUFF_HALF_CODEBOOK) != 0;
  for (uint32_t i = 0; i < tfg_huff_codebook_n(s); ++i) {
    if (half_cb) {
      codebook[i] = tfg_half_at(s->data, i);
    } else { /* little-endian float, read bytewise (data is a byte array) */
      codebook[i] = tfg_f32_from_bits((uint32_t)s->data[4u * i] | ((uint32_t)s->data[4u * i + 1u] << 8) |
                                      ((uint32_t)s->data[4u * i + 2u] << 16) | ((uint32_t)s->data[4u * i + 3u] << 24));
    }
  }
  return 1;
}

/* An int8 kernel's tfg_huff_check: the codebook of int8 codes, read in place from flash (no copy on the stack), or NULL
 * when damaged or when the stream is a float kernel's (half or float codebook, half biases). */
static inline const int8_t *tfg_huff_open_s8(const tfg_huff_stream *s, uint32_t total, tfg_huff_parts *p) {
  if ((s->flags & (TFG_HUFF_HALF_CODEBOOK | TFG_HUFF_HALF_BIAS)) || !(s->flags & TFG_HUFF_INT8_CODEBOOK)) return NULL;
  return tfg_huff_check(s, total, 0u, p) ? (const int8_t *)s->data : NULL;
}

/* Adds output channel o's bias (the stream's half one, else the float array's, else none). */
static inline float tfg_huff_add_bias(float acc, const tfg_huff_parts *p, const float *bias, uint32_t o) {
  if (p->bias_half) return acc + tfg_half_at(p->bias_half, o);
  return bias ? acc + bias[o] : acc;
}

/* Builds a code's decode form from its flash lengths (n ≤ 256 symbols, table_bits checked by tfg_huff_open) into
 * the caller's count[16], symbols[n] and table[1 << table_bits]: canonical codes in (length, symbol) order, as
 * src/compress/huffman-code.ts assigns them. 0 when the lengths are over-subscribed (no prefix code has them). */
static inline int32_t tfg_huff_build(const uint8_t *lengths, uint32_t bits, uint32_t n, uint16_t *count, uint8_t *symbols,
                                     uint16_t *table, tfg_huff_code *c) {
  uint16_t next[16];
  for (uint32_t len = 0; len < 16u; ++len) count[len] = 0;
  for (uint32_t s = 0; s < n; ++s) count[(lengths[s >> 1] >> ((s & 1u) * 4u)) & 0xFu]++;
  count[0] = 0;
  uint32_t kraft = 0, at = 0; /* Σ 2^(15 − len) over the codes: ≤ 2^15 for a prefix code */
  for (uint32_t len = 1; len < 16u; ++len) {
    kraft += (uint32_t)count[len] << (15u - len);
    next[len] = (uint16_t)at;
    at += count[len];
  }
  if (kraft > (1u << 15)) return 0;
  for (uint32_t s = 0; s < n; ++s) {
    const uint32_t len = (lengths[s >> 1] >> ((s & 1u) * 4u)) & 0xFu;
    if (len) symbols[next[len]++] = (uint8_t)s;
  }
  for (uint32_t i = 0; i < (1u << bits); ++i) table[i] = 0;
  uint32_t code = 0, idx = 0;
  for (uint32_t len = 1; len <= bits; ++len) { /* codes longer than the table stay 0: the walk decodes them */
    for (uint32_t j = 0; j < count[len]; ++j, ++code, ++idx) {
      const uint32_t first = code << (bits - len);
      for (uint32_t e = 0; e < (1u << (bits - len)); ++e) table[first + e] = (uint16_t)((len << 8) | symbols[idx]);
    }
    code <<= 1;
  }
  c->count = count;
  c->symbols = symbols;
  c->table = table;
  c->table_bits = (int32_t)bits;
  return 1;
}

#if defined(__GNUC__)
#define TFG_COLD_HELPER __attribute__((noinline, unused))
#else
#define TFG_COLD_HELPER inline
#endif

/* Stack a stream's two codes need (after tfg_huff_open): symbols of both, table entries of both (1 when dense). */
#define TFG_HUFF_SYMBOLS(s) (tfg_huff_codebook_n(s) + (tfg_huff_gap_symbols(s) ? tfg_huff_gap_symbols(s) : 1u))
#define TFG_HUFF_TABLE_ENTRIES(s) ((1u << tfg_huff_index_table_bits(s)) + ((s)->gap_escape > 0 ? 1u << tfg_huff_gap_table_bits(s) : 1u))

/* Builds the index and (when sparse) gap codes of a checked stream into counts[32], symbols[TFG_HUFF_SYMBOLS] and
 * tables[TFG_HUFF_TABLE_ENTRIES]; a dense stream's gap code is a copy of the index code (never used). 0 on bad lengths. */
static inline int32_t tfg_huff_build_codes(const tfg_huff_stream *s, const tfg_huff_parts *p, uint16_t *counts, uint8_t *symbols,
                                           uint16_t *tables, tfg_huff_code *index, tfg_huff_code *gap) {
  const uint32_t index_n = tfg_huff_codebook_n(s), gap_n = tfg_huff_gap_symbols(s), index_bits = tfg_huff_index_table_bits(s);
  if (!tfg_huff_build(p->index_lengths, index_bits, index_n, counts, symbols, tables, index)) return 0;
  if (!gap_n) {
    *gap = *index;
    return 1;
  }
  return tfg_huff_build(p->gap_lengths, tfg_huff_gap_table_bits(s), gap_n, counts + 16, symbols + index_n, tables + (1u << index_bits), gap);
}

/* Canonical walk over the MSB-aligned bits of buf for a code longer than the lookup table: (length << 8) | symbol, or 0
 * when no code of ≤ 15 bits matches. Kept out of line: it is the rare path, and inlining it costs the hot loop registers. */
static TFG_COLD_HELPER uint32_t tfg_huff_walk(uint32_t buf, const tfg_huff_code *c) {
  int32_t code = 0, first = 0, index = 0;
  for (uint32_t len = 1u; len <= 15u; ++len) {
    code |= (int32_t)((buf >> (32u - len)) & 1u);
    const int32_t n = (int32_t)c->count[len];
    if (code - first < n) return (len << 8) | c->symbols[index + code - first];
    index += n;
    first = (first + n) << 1;
    code <<= 1;
  }
  return 0u;
}

/* Decodes one symbol with the code's lookup table (table, 32 − table_bits); −1 on an invalid code. A code running past
 * the stream's end decodes zeros: the caller bounds the symbol count and checks tfg_huff_used_exactly at the end. */
static inline int32_t tfg_huff_decode_fast(tfg_huff_reader *r, const uint16_t *table, uint32_t shift, const tfg_huff_code *c) {
  while (r->have <= 24 && r->next < r->bytes) { /* afterwards: ≥ 25 bits loaded, or the whole stream (then zeros) */
    r->buf |= (uint32_t)r->data[r->next++] << (24 - r->have);
    r->have += 8;
  }
  uint32_t e = table[r->buf >> shift];
  if (e < 256u) { /* longer than the table (or invalid) */
    e = tfg_huff_walk(r->buf, c);
    if (e == 0u) return -1;
  }
  const uint32_t len = e >> 8;
  r->buf <<= len;
  r->have -= (int32_t)len;
  return (int32_t)(e & 0xFFu);
}

/* Decodes one symbol; −1 on an invalid code (see tfg_huff_decode_fast for the end of the stream). */
static inline int32_t tfg_huff_decode(tfg_huff_reader *r, const tfg_huff_code *c) {
  return tfg_huff_decode_fast(r, c->table, 32u - (uint32_t)c->table_bits, c);
}

/* The conv decoders' step: the next coded weight's flat position (after *pos, gaps skipped when sparse) and codebook
 * index; −1 on damage (a bad code, a position at or past `total`, an index outside the codebook). */
static inline int32_t tfg_huff_next_weight(tfg_huff_reader *r, const tfg_huff_stream *s, const tfg_huff_code *index,
                                           const tfg_huff_code *gap_code, uint32_t total, uint32_t *pos) {
  if (s->gap_escape > 0) {
    for (;;) {
      const int32_t gap = tfg_huff_decode(r, gap_code);
      if (gap < 0) return -1;
      *pos += (uint32_t)gap;
      if (*pos >= total) return -1;
      if (gap != s->gap_escape) break;
    }
  }
  const int32_t sym = tfg_huff_decode(r, index);
  return (sym < 0 || (uint32_t)sym >= tfg_huff_codebook_n(s)) ? -1 : sym;
}

/* ---- 1-bit weights (add/subtract kernels) ---- */
/* −x when the low bit of bit is 1, else x: flips the float's sign bit (exact, branch-free, one EOR on Arm). The b1
 * kernels sum −(±x) and negate once at the end, so a set weight bit (+alpha) is the cheap case. */
static inline float tfg_f32_negate_if(float x, uint32_t bit) {
  uint32_t u;
  float r;
#if defined(__GNUC__)
  __builtin_memcpy(&u, &x, sizeof u);
  u ^= bit << 31;
  __builtin_memcpy(&r, &u, sizeof r);
#else
  memcpy(&u, &x, sizeof u);
  u ^= bit << 31;
  memcpy(&r, &u, sizeof r);
#endif
  return r;
}

/* ---- Binarized activations (XNOR kernels): sign packing and popcount. ---- */
/* Packs sign bits of n floats into ⌈n/32⌉ words: bit i%32 of word i/32 = (x[i] ≥ 0); unused high bits of the last word 0. */
static inline void tfg_pack_signs(const float *x, int32_t n, uint32_t *a) {
  for (int32_t j = 0; j * 32 < n; ++j) {
    const int32_t m = n - j * 32 < 32 ? n - j * 32 : 32;
    uint32_t word = 0;
    for (int32_t i = m - 1; i >= 0; --i) word = (word << 1) | (x[j * 32 + i] >= 0.0f ? 1u : 0u);
    a[j] = word;
  }
}

/* Bits set in v (SWAR: Cortex-M has no popcount instruction; ~12 instructions). */
static inline uint32_t tfg_popcount32(uint32_t v) {
  v = v - ((v >> 1) & 0x55555555u);
  v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
  v = (v + (v >> 4)) & 0x0F0F0F0Fu;
  return (v * 0x01010101u) >> 24;
}

#endif /* TFG_SUPPORT_H */
