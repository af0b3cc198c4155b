/* tfg_conv2d_f32_b1: float NHWC convolution with 1-bit OHWI weights (±alpha[oc]): adds or subtracts each input by its sign bit,
 * then scales once per output. */
#include "tfg_binary.h"

/* −Σ ±x[i] over n inputs whose weight bits start at flat bit k (32 per word, LSB first; 1 = +alpha), added to neg: the
 * bits are read a word at a time and the sign applied by flipping the float's sign bit (tfg_f32_negate_if). */
static inline float tfg_b1_neg_dot(const float *x, int32_t n, const uint32_t *bits, size_t k, float neg) {
  int32_t i = 0;
  while (i < n) {
    uint32_t word = bits[k >> 5] >> (k & 31u);
    int32_t m = 32 - (int32_t)(k & 31u);
    if (m > n - i) m = n - i;
    for (const int32_t end = i + m; i < end; ++i, word >>= 1) neg += tfg_f32_negate_if(x[i], word & 1u);
    k += (size_t)m;
  }
  return neg;
}

tfg_status tfg_conv2d_f32_b1(const tfg_conv_geom *g, const float *in, const uint32_t *bits, const float *alpha,
                             const float *bias, float act_min, float act_max, float *out) {
  const int32_t group_in = g->in_c / g->groups;   /* input channels per group = weight's last dim */
  const int32_t group_out = g->out_c / g->groups; /* output channels per group */
  for (int32_t b = 0; b < g->batch; ++b) {
    for (int32_t oy = 0; oy < g->out_h; ++oy) {
      for (int32_t ox = 0; ox < g->out_w; ++ox) {
        const int32_t iy0 = oy * g->stride_h - g->pad_top;
        const int32_t ix0 = ox * g->stride_w - g->pad_left;
        for (int32_t oc = 0; oc < g->out_c; ++oc) {
          const int32_t ic0 = (oc / group_out) * group_in;
          float neg = 0.0f; /* −Σ ±x, negated once at the end (exact) */
          for (int32_t ky = 0; ky < g->k_h; ++ky) {
            const int32_t iy = iy0 + ky * g->dil_h;
            if (iy < 0 || iy >= g->in_h) continue; /* padding contributes 0 */
            for (int32_t kx = 0; kx < g->k_w; ++kx) {
              const int32_t ix = ix0 + kx * g->dil_w;
              if (ix < 0 || ix >= g->in_w) continue;
              const float *x = in + (((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c + ic0;
              const size_t k = (((size_t)oc * g->k_h + ky) * g->k_w + kx) * group_in;
              neg = tfg_b1_neg_dot(x, group_in, bits, k, neg);
            }
          }
          float acc = -neg * alpha[oc];
          if (bias) acc += bias[oc];
          out[(((size_t)b * g->out_h + oy) * g->out_w + ox) * g->out_c + oc] = tfg_clamp_f32(acc, act_min, act_max);
        }
      }
    }
  }
  return TFG_OK;
}
