/* tfg_dsp.h: the SIMD helpers of the _dsp kernels: Cortex-M4/M7 DSP instructions (ACLE / inline asm), or the same
 * arithmetic in portable C elsewhere, so the _dsp kernels also build and are tested on the host and on cores without
 * the DSP extension (only the instruction count differs); dot products, the SMMULR requantization and the int16
 * im2col gather of the im2col and 1x1 kernels (their GEMM core: tfg_gemm_dsp.h). Inline: they are these kernels' inner loops. */
#ifndef TFG_DSP_H
#define TFG_DSP_H

#include "tfg_support.h"

/* Unaligned little-endian 32-bit load; compiles to one LDR on Cortex-M3/M4/M7 (unaligned access allowed). ARMv6-M
 * faults on an unaligned word load, and gcc makes the memcpy a library call there: four byte loads instead. */
static inline uint32_t tfg_load32(const int8_t *p) {
#if defined(__ARM_ARCH_6M__)
  const uint8_t *u = (const uint8_t *)p;
  return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
#elif defined(__GNUC__)
  uint32_t v;
  __builtin_memcpy(&v, p, sizeof v); /* stays inline under -ffreestanding, where plain memcpy becomes a call */
  return v;
#else
  uint32_t v;
  memcpy(&v, p, sizeof v);
  return v;
#endif
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
/* acc + a.lo·b.hi and acc + a.hi·b.lo */
static inline int32_t tfg_smlabt(int32_t a, int32_t b, int32_t acc) { return __smlabt(a, b, acc); }
static inline int32_t tfg_smlatb(int32_t a, int32_t b, int32_t acc) { return __smlatb(a, b, acc); }
#else
static inline int32_t tfg_pack16(int32_t lo, int32_t hi) {
  return (int32_t)(((uint32_t)lo & 0xFFFFu) | ((uint32_t)hi << 16));
}
static inline int32_t tfg_lo16(int32_t x) { return (int32_t)(int16_t)(uint16_t)((uint32_t)x & 0xFFFFu); }
static inline int32_t tfg_hi16(int32_t x) { return (int32_t)(int16_t)(uint16_t)((uint32_t)x >> 16); }
static inline int32_t tfg_sxtb16(uint32_t x) {
  return tfg_pack16((int8_t)(uint8_t)(x & 0xFFu), (int8_t)(uint8_t)((x >> 16) & 0xFFu));
}
static inline int32_t tfg_sxtb16_ror8(uint32_t x) { return tfg_sxtb16((x >> 8) | (x << 24)); }
static inline int32_t tfg_sadd16(int32_t a, int32_t b) {
  return tfg_pack16(tfg_lo16(a) + tfg_lo16(b), tfg_hi16(a) + tfg_hi16(b));
}
static inline int32_t tfg_smlad(int32_t a, int32_t b, int32_t acc) {
  return (int32_t)((uint32_t)acc + (uint32_t)(tfg_lo16(a) * tfg_lo16(b)) + (uint32_t)(tfg_hi16(a) * tfg_hi16(b)));
}
static inline int32_t tfg_smlabb(int32_t a, int32_t b, int32_t acc) {
  return (int32_t)((uint32_t)acc + (uint32_t)(tfg_lo16(a) * tfg_lo16(b)));
}
static inline int32_t tfg_smlatt(int32_t a, int32_t b, int32_t acc) {
  return (int32_t)((uint32_t)acc + (uint32_t)(tfg_hi16(a) * tfg_hi16(b)));
}
static inline int32_t tfg_smlabt(int32_t a, int32_t b, int32_t acc) {
  return (int32_t)((uint32_t)acc + (uint32_t)(tfg_lo16(a) * tfg_hi16(b)));
}
static inline int32_t tfg_smlatb(int32_t a, int32_t b, int32_t acc) {
  return (int32_t)((uint32_t)acc + (uint32_t)(tfg_hi16(a) * tfg_lo16(b)));
}
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

/* tfg_smmulr from four 16×16 products, for cores with no 32×32→64 multiply (ARMv6-M, where int64 arithmetic is a
 * library call): with a = ah·2^16 + al and b = bh·2^16 + bl (al, bl unsigned), a·b + 2^31 = (ah·bh + c)·2^32 +
 * (ah·bl + al·bh)·2^16 + lo, where lo + c·2^32 = al·bl + 2^31; the middle terms are split at bit 16 so no sum overflows.
 * Exact for every a and b. */
static inline TFG_HOT_INLINE int32_t tfg_smmulr_split16(int32_t a, int32_t b) {
  const uint32_t al = (uint32_t)a & 0xFFFFu, bl = (uint32_t)b & 0xFFFFu;
  const int32_t ah = a >> 16, bh = b >> 16;
  const uint32_t p = al * bl;
  const uint32_t lo = p + 0x80000000u;
  const int32_t carry = lo < p;
  const int32_t m1 = ah * (int32_t)bl, m2 = (int32_t)al * bh;
  const uint32_t mid = ((uint32_t)m1 & 0xFFFFu) + ((uint32_t)m2 & 0xFFFFu) + (lo >> 16);
  return ah * bh + carry + (m1 >> 16) + (m2 >> 16) + (int32_t)(mid >> 16);
}

/* (a·b + 2^31) >> 32, rounding high multiply (SMMULR on the DSP cores). */
static inline TFG_HOT_INLINE int32_t tfg_smmulr(int32_t a, int32_t b) {
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP == 1
  int32_t r;
  __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
#elif defined(__ARM_ARCH_6M__)
  return tfg_smmulr_split16(a, b);
#else
  return (int32_t)(((int64_t)a * (int64_t)b + ((int64_t)1 << 31)) >> 32);
#endif
}

/* tfg_requantize + output offset + clamp for the _dsp kernels (tfg_s8_dsp_quant), bit-exact with the reference kernels'
 * per-channel requantization. For a right shift r = −shift ≥ 1 (code e = r − 1 ≥ 0): SRDHM(acc, m) =
 * floor((acc·m + 2^30) / 2^31) is SMMULR(2·acc, m), and RoundingDivideByPOT(v, r) + zp is
 * ((v − [v < 0]) >> (r − 1) + 1 + 2·zp) >> 1 (half away from zero as two floors). Other channels (shift ≥ 0, or an
 * accumulator bound codegen could not prove) carry e = shift − 64 < 0 and take the general path. */
/* The general path of tfg_requant_dsp (firmware/support/tfg_dsp.c): tfg_requantize + output_offset, out of line
 * because it is rare and inlined it would repeat in every unrolled output. */
int32_t tfg_requant_dsp_general(int32_t acc, int32_t multiplier, int32_t shift, int32_t output_offset) TFG_CONST;

/* tfg_requant_dsp without the activation clamp (output offset included). */
static inline TFG_HOT_INLINE int32_t tfg_requant_dsp_raw(const tfg_s8_dsp_quant *q, int32_t acc, int32_t c) {
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
static inline TFG_HOT_INLINE int32_t tfg_ssat8(int32_t v) {
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
static inline void tfg_store4_dsp(const tfg_s8_dsp_quant *q, int32_t narrow, int32_t v0, int32_t v1, int32_t v2,
                                  int32_t v3, int8_t *y0, int8_t *y1, int8_t *y2, int8_t *y3) {
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

/* One output pixel's receptive field as int16 (x + offset; padded taps 0) into column j of an interleaved 4-column
 * buffer: per group of 4 elements the first two of columns 0..3, then the last two of columns 0..3, so element k of
 * column j sits at cols[(k / 4)·16 + (k % 4 / 2)·8 + 2·j + k % 2], the K rounded up to 4 zero-filled. When in_c
 * is a multiple of 4 each group of 4 is stored in SXTB16 order (x0, x2, x1, x3), so it pairs with SXTB16 / SXTB16 ROR 8
 * of natural weight words; otherwise it is stored in natural order and codegen permutes the weight bytes instead
 * (TS: convColumnOrderPermuted). */
static inline void tfg_gather_col_s16(const tfg_conv_geom16 *g, const int8_t *img, int32_t oy, int32_t ox,
                                      int32_t offset, int16_t *cols, int32_t j, int16_t *tmp) {
  const int32_t in_c = g->in_c;
  const int32_t iy0 = oy * g->stride_h - g->pad_top, ix0 = ox * g->stride_w - g->pad_left;
  int16_t *base = cols + 2 * j;
  if ((in_c & 3) == 0) {
    const int32_t off2 = (int32_t)(((uint32_t)offset & 0xFFFFu) | ((uint32_t)offset << 16));
    int16_t *dst = base;
    for (int32_t ky = 0; ky < g->k_h; ++ky) {
      const int32_t iy = iy0 + ky * g->dil_h;
      for (int32_t kx = 0; kx < g->k_w; ++kx) {
        const int32_t ix = ix0 + kx * g->dil_w;
        if (iy < 0 || iy >= g->in_h || ix < 0 || ix >= g->in_w) {
          for (int32_t c = 0; c < in_c; c += 4, dst += 16) {
            tfg_store32a(dst, 0);
            tfg_store32a(dst + 8, 0);
          }
        } else {
          const int8_t *src = img + ((size_t)iy * g->in_w + ix) * in_c;
          for (int32_t c = 0; c < in_c; c += 4, dst += 16) {
            const uint32_t v = tfg_load32(src + c);
            tfg_store32a(dst, tfg_sadd16(tfg_sxtb16(v), off2));
            tfg_store32a(dst + 8, tfg_sadd16(tfg_sxtb16_ror8(v), off2));
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
  for (int32_t i = 0; i < k; i += 4, base += 16) {
    tfg_store32a(base, (int32_t)tfg_load32a(tmp + i));
    tfg_store32a(base + 8, (int32_t)tfg_load32a(tmp + i + 2));
  }
}

#endif /* TFG_DSP_H */
