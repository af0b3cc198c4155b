/* tfg_maxpool_s8: int8 max pooling (TFLite reference_integer_ops::MaxPool; input and output share quantization).
 * The window's in-bounds rows and columns are found once per output pixel, and each channel walks them with pointer
 * steps (no index arithmetic per element); a whole 2×2 window, the common case, is four loads per channel, or on
 * cores with the DSP extension four word loads per four channels and a byte-wise max (SSUB8 + SEL) of them. */
#include "tfg_support.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP == 1 && defined(__GNUC__)
#define TFG_MAXPOOL_SIMD 1
/* Four int8 lanes: SSUB8 sets each lane's GE flag where a ≥ b, SEL takes those lanes from its first operand. */
static inline uint32_t tfg_max_s8x4(uint32_t a, uint32_t b) {
  uint32_t r;
  __asm__("ssub8 %0, %1, %2\n\tsel %0, %1, %2" : "=&r"(r) : "r"(a), "r"(b) : "cc");
  return r;
}
static inline uint32_t tfg_min_s8x4(uint32_t a, uint32_t b) {
  uint32_t r;
  __asm__("ssub8 %0, %1, %2\n\tsel %0, %2, %1" : "=&r"(r) : "r"(a), "r"(b) : "cc");
  return r;
}
static inline uint32_t tfg_ld4(const int8_t *p) {
  uint32_t v;
  __builtin_memcpy(&v, p, sizeof v); /* one LDR: unaligned word loads are allowed on these cores */
  return v;
}
static inline void tfg_st4(int8_t *p, uint32_t v) { __builtin_memcpy(p, &v, sizeof v); }
#endif

tfg_status tfg_maxpool_s8(const tfg_pool_geom *g, int32_t act_min, int32_t act_max, const int8_t *in, int8_t *out) {
  const int32_t ch = g->channels;
  const size_t row = (size_t)g->in_w * ch;
  int8_t *y = out;
  for (int32_t b = 0; b < g->batch; ++b) {
    const int8_t *img = in + (size_t)b * g->in_h * row;
    for (int32_t oy = 0; oy < g->out_h; ++oy) {
      const int32_t iy0 = oy * g->stride_h - g->pad_top;
      const int32_t ky0 = tfg_max_i32(0, -iy0), ky1 = tfg_min_i32(g->k_h, g->in_h - iy0);
      for (int32_t ox = 0; ox < g->out_w; ++ox) {
        const int32_t ix0 = ox * g->stride_w - g->pad_left;
        const int32_t kx0 = tfg_max_i32(0, -ix0), kx1 = tfg_min_i32(g->k_w, g->in_w - ix0);
        const int32_t rows = ky1 - ky0, cols = kx1 - kx0;
        const int8_t *win = img + (size_t)(iy0 + ky0) * row + (size_t)(ix0 + kx0) * ch;
        if (rows == 2 && cols == 2) {
          const int8_t *p = win, *q = win + row;
          int32_t c = 0;
#if defined(TFG_MAXPOOL_SIMD)
          const uint32_t lo4 = 0x01010101u * (uint8_t)act_min, hi4 = 0x01010101u * (uint8_t)act_max;
          const int32_t narrow = act_min > -128 || act_max < 127;
          for (; c + 4 <= ch; c += 4) {
            uint32_t m = tfg_max_s8x4(tfg_max_s8x4(tfg_ld4(p + c), tfg_ld4(p + c + ch)),
                                      tfg_max_s8x4(tfg_ld4(q + c), tfg_ld4(q + c + ch)));
            if (narrow) m = tfg_min_s8x4(tfg_max_s8x4(m, lo4), hi4);
            tfg_st4(y + c, m);
          }
#endif
          for (; c < ch; ++c) {
            const int32_t a = tfg_max_i32(p[c], p[c + ch]), d = tfg_max_i32(q[c], q[c + ch]);
            y[c] = (int8_t)tfg_clamp_i32(tfg_max_i32(a, d), act_min, act_max);
          }
        } else {
          for (int32_t c = 0; c < ch; ++c) {
            int32_t m = -128;
            const int8_t *r = win + c;
            for (int32_t ky = 0; ky < rows; ++ky, r += row)
              for (int32_t kx = 0; kx < cols; ++kx) m = tfg_max_i32(m, r[(size_t)kx * ch]);
            y[c] = (int8_t)tfg_clamp_i32(m, act_min, act_max);
          }
        }
        y += ch;
      }
    }
  }
  return TFG_OK;
}
