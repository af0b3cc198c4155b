/* tfg_avgpool_s8: int8 average pooling (TFLite reference_integer_ops::AveragePool: rounded-half-away division).
 * The window's in-bounds rows and columns are found once per output pixel and each channel sums them by pointer
 * steps; on cores with the DSP extension four channels at a time, as two int16 pairs (SXTAB16 and SXTAB16 ROR 8 of a
 * word of four channels), for windows of at most 256 positions, where no int16 lane can overflow (256 · 128 = 2^15). */
#include "tfg_support.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP == 1 && defined(__GNUC__)
#define TFG_AVGPOOL_SIMD 1
/* acc's two int16 lanes + bytes 0 and 2 of w (even) or bytes 1 and 3 (odd), sign-extended */
static inline uint32_t tfg_sxtab16_even(uint32_t acc, uint32_t w) {
  uint32_t r;
  __asm__("sxtab16 %0, %1, %2" : "=r"(r) : "r"(acc), "r"(w));
  return r;
}
static inline uint32_t tfg_sxtab16_odd(uint32_t acc, uint32_t w) {
  uint32_t r;
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(acc), "r"(w));
  return r;
}
#endif

/* The window sum of one channel, rounded half away from zero over `count` as TFLite does. */
static inline int32_t tfg_avg_round(int32_t acc, int32_t count, int32_t pad_value) {
  if (count <= 0) return pad_value;
  return acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
}

tfg_status tfg_avgpool_s8(const tfg_pool_geom *g, int32_t count_include_pad, int32_t pad_value, int32_t act_min,
                          int32_t act_max, const int8_t *in, int8_t *out) {
  const int32_t ch = g->channels;
  const size_t row = (size_t)g->in_w * ch;
  int8_t *y = out;
  for (int32_t b = 0; b < g->batch; ++b) {
    const int8_t *img = in + (size_t)b * g->in_h * row;
    for (int32_t oy = 0; oy < g->out_h; ++oy) {
      const int32_t iy0 = oy * g->stride_h - g->pad_top;
      const int32_t ky0 = tfg_max_i32(0, -iy0), ky1 = tfg_min_i32(g->k_h, g->in_h - iy0);
      /* window positions inside the padded input, for count_include_pad */
      const int32_t py = tfg_min_i32(g->k_h, g->in_h + g->pad_bottom - iy0) - tfg_max_i32(0, -g->pad_top - iy0);
      for (int32_t ox = 0; ox < g->out_w; ++ox, y += ch) {
        const int32_t ix0 = ox * g->stride_w - g->pad_left;
        const int32_t kx0 = tfg_max_i32(0, -ix0), kx1 = tfg_min_i32(g->k_w, g->in_w - ix0);
        const int32_t px = tfg_min_i32(g->k_w, g->in_w + g->pad_right - ix0) - tfg_max_i32(0, -g->pad_left - ix0);
        const int32_t rows = ky1 - ky0, cols = kx1 - kx0;
        const int32_t valid = rows * cols;
        const int32_t count = count_include_pad ? py * px : valid;
        const int32_t pad_sum = count_include_pad ? (count - valid) * pad_value : 0;
        const int8_t *win = img + (size_t)(iy0 + ky0) * row + (size_t)(ix0 + kx0) * ch;
        int32_t c = 0;
#if defined(TFG_AVGPOOL_SIMD)
        if (valid <= 256) {
          for (; c + 4 <= ch; c += 4) {
            uint32_t even = 0, odd = 0;
            const int8_t *r = win + c;
            for (int32_t ky = 0; ky < rows; ++ky, r += row) {
              const int8_t *p = r;
              for (int32_t kx = 0; kx < cols; ++kx, p += ch) {
                uint32_t w;
                __builtin_memcpy(&w, p, sizeof w); /* one LDR: unaligned word loads are allowed on these cores */
                even = tfg_sxtab16_even(even, w);
                odd = tfg_sxtab16_odd(odd, w);
              }
            }
            const int32_t s[4] = {(int16_t)even, (int16_t)odd, (int32_t)even >> 16, (int32_t)odd >> 16};
            for (int32_t i = 0; i < 4; ++i)
              y[c + i] = (int8_t)tfg_clamp_i32(tfg_avg_round(pad_sum + s[i], count, pad_value), act_min, act_max);
          }
        }
#endif
        for (; c < ch; ++c) {
          int32_t acc = pad_sum;
          const int8_t *r = win + c;
          for (int32_t ky = 0; ky < rows; ++ky, r += row)
            for (int32_t kx = 0; kx < cols; ++kx) acc += r[(size_t)kx * ch];
          y[c] = (int8_t)tfg_clamp_i32(tfg_avg_round(acc, count, pad_value), act_min, act_max);
        }
      }
    }
  }
  return TFG_OK;
}
