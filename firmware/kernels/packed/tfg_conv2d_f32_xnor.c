/* tfg_conv2d_f32_xnor: float NHWC convolution (one group) with binarized inputs and 1-bit OHWI weights (XNOR-Net / BNN).
 * For each output pixel the receptive field's input signs (x ≥ 0 → 1) are packed once, in the weights' (ky, kx, ic)
 * order, with a mask of the in-bounds taps; then per output channel dot = taps − 2·popcount((w XOR a) AND mask), scaled
 * by alpha[oc] (one float rounding: dot is exact) and biased in float: bit-exact with src/reference/float/conv2d.ts
 * (binarizeInput; padding contributes 0).
 * Weight rows (one per output channel, k_h·k_w·in_c bits) start on a word boundary, padding bits 0. */
#include "tfg_binary.h"

tfg_status tfg_conv2d_f32_xnor(const tfg_conv_geom *g, const float *in, const uint32_t *bits, const float *alpha,
                               const float *bias, float act_min, float act_max, float *out, void *scratch,
                               int32_t scratch_bytes) {
  const int32_t row_n = g->k_h * g->k_w * g->in_c;
  const int32_t words = (row_n + 31) / 32;
  uint32_t *const a = (uint32_t *)scratch, *const m = a + words; /* signs and in-bounds mask of one receptive field */
  if (g->groups != 1 || words > TFG_XNOR_WORDS_MAX) return TFG_ERR_CORRUPT;
  if (scratch_bytes < tfg_conv2d_f32_xnor_scratch_bytes(g)) return TFG_ERR_ARG;
  for (int32_t b = 0; b < g->batch; ++b) {
    for (int32_t oy = 0; oy < g->out_h; ++oy) {
      for (int32_t ox = 0; ox < g->out_w; ++ox) {
        const int32_t iy0 = oy * g->stride_h - g->pad_top;
        const int32_t ix0 = ox * g->stride_w - g->pad_left;
        for (int32_t j = 0; j < words; ++j) a[j] = m[j] = 0u;
        int32_t bit = 0, taps = 0;
        for (int32_t ky = 0; ky < g->k_h; ++ky) {
          const int32_t iy = iy0 + ky * g->dil_h;
          for (int32_t kx = 0; kx < g->k_w; ++kx, bit += g->in_c) {
            const int32_t ix = ix0 + kx * g->dil_w;
            if (iy < 0 || iy >= g->in_h || ix < 0 || ix >= g->in_w) continue; /* padding: masked out */
            const float *x = in + (((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c;
            for (int32_t ic = 0; ic < g->in_c; ++ic) {
              const int32_t k = bit + ic;
              m[k >> 5] |= 1u << (k & 31);
              if (x[ic] >= 0.0f) a[k >> 5] |= 1u << (k & 31);
            }
            taps += g->in_c;
          }
        }
        const int full = taps == row_n; /* interior pixel: no masking needed */
        float *y = out + (((size_t)b * g->out_h + oy) * g->out_w + ox) * g->out_c;
        for (int32_t oc = 0; oc < g->out_c; ++oc) {
          const uint32_t *w = bits + (size_t)oc * (size_t)words;
          uint32_t mismatches = 0;
          if (full)
            for (int32_t j = 0; j < words; ++j) mismatches += tfg_popcount32(w[j] ^ a[j]);
          else
            for (int32_t j = 0; j < words; ++j) mismatches += tfg_popcount32((w[j] ^ a[j]) & m[j]);
          const int32_t dot = taps - 2 * (int32_t)mismatches;
          volatile float v = (float)dot * alpha[oc]; /* volatile: never fused into an FMA with the add */
          if (bias) v += bias[oc];
          y[oc] = tfg_clamp_f32(v, act_min, act_max);
        }
      }
    }
  }
  return TFG_OK;
}

int32_t tfg_conv2d_f32_xnor_scratch_bytes(const tfg_conv_geom *g) {
  return 8 * ((g->k_h * g->k_w * g->in_c + 31) / 32);
}
