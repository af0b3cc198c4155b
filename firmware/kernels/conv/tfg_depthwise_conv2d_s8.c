/* tfg_depthwise_conv2d_s8: reference int8 depthwise convolution (TFLite reference_integer_ops::DepthwiseConvPerChannel). */
#include "tfg_support.h"

tfg_status tfg_depthwise_conv2d_s8(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in,
                                   const int8_t *w, const int32_t *bias, int8_t *out) {
  const int32_t m = g->depth_multiplier;
  for (int32_t b = 0; b < g->batch; ++b) {
    for (int32_t oy = 0; oy < g->out_h; ++oy) {
      for (int32_t ox = 0; ox < g->out_w; ++ox) {
        const int32_t iy0 = oy * g->stride_h - g->pad_top;
        const int32_t ix0 = ox * g->stride_w - g->pad_left;
        for (int32_t oc = 0; oc < g->out_c; ++oc) {
          const int32_t ic = oc / m;
          int32_t acc = 0;
          for (int32_t ky = 0; ky < g->k_h; ++ky) {
            const int32_t iy = iy0 + ky * g->dil_h;
            if (iy < 0 || iy >= g->in_h) continue;
            for (int32_t kx = 0; kx < g->k_w; ++kx) {
              const int32_t ix = ix0 + kx * g->dil_w;
              if (ix < 0 || ix >= g->in_w) continue;
              acc += ((int32_t)in[(((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c + ic] + q->input_offset) *
                     (int32_t)w[((size_t)ky * g->k_w + kx) * g->out_c + oc];
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
