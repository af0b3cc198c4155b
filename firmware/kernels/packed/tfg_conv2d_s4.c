/* tfg_conv2d_s4: int8 NHWC convolution with 4-bit OHWI weights (two per byte): same arithmetic as tfg_conv2d_s8. */
#include "tfg_support.h"

static inline int32_t tfg_s4_at(const uint8_t *w, size_t j) {
  const int32_t v = (int32_t)((w[j >> 1] >> ((j & 1u) * 4u)) & 0x0Fu);
  return v >= 8 ? v - 16 : v;
}

tfg_status tfg_conv2d_s4(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in, const uint8_t *w,
                         const int32_t *bias, int8_t *out) {
  const int32_t group_in = g->in_c / g->groups;
  const int32_t group_out = g->out_c / g->groups;
  for (int32_t b = 0; b < g->batch; ++b) {
    for (int32_t oy = 0; oy < g->out_h; ++oy) {
      for (int32_t ox = 0; ox < g->out_w; ++ox) {
        const int32_t iy0 = oy * g->stride_h - g->pad_top;
        const int32_t ix0 = ox * g->stride_w - g->pad_left;
        for (int32_t oc = 0; oc < g->out_c; ++oc) {
          const int32_t ic0 = (oc / group_out) * group_in;
          int32_t acc = 0;
          for (int32_t ky = 0; ky < g->k_h; ++ky) {
            const int32_t iy = iy0 + ky * g->dil_h;
            if (iy < 0 || iy >= g->in_h) continue; /* padding is the input zero point: contributes 0 */
            for (int32_t kx = 0; kx < g->k_w; ++kx) {
              const int32_t ix = ix0 + kx * g->dil_w;
              if (ix < 0 || ix >= g->in_w) continue;
              const int8_t *x = in + (((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c + ic0;
              const size_t k = (((size_t)oc * g->k_h + ky) * g->k_w + kx) * group_in;
              for (int32_t ic = 0; ic < group_in; ++ic)
                acc += ((int32_t)x[ic] + q->input_offset) * tfg_s4_at(w, k + (size_t)ic);
            }
          }
          if (bias) acc += bias[oc];
          acc = tfg_requantize(acc, q->multiplier[oc], q->shift[oc]) + q->output_offset;
          out[(((size_t)b * g->out_h + oy) * g->out_w + ox) * g->out_c + oc] =
              (int8_t)tfg_clamp_i32(acc, q->act_min, q->act_max);
        }
      }
    }
  }
  return TFG_OK;
}
