/* tfg_conv_transpose_s8: TFLite's int8 TRANSPOSE_CONV as a gather (each output's taps summed in int32, no scratch
 * buffer); integer sums do not depend on their order, so the bytes equal TFLite's scatter form. */
#include "tfg_support.h"

tfg_status tfg_conv_transpose_s8(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in,
                                 const int8_t *w, const int32_t *bias, int8_t *out) {
  const int32_t offset = q->input_offset;
  for (int32_t b = 0; b < g->batch; ++b) {
    const int8_t *img = in + (size_t)b * g->in_h * g->in_w * g->in_c;
    for (int32_t oy = 0; oy < g->out_h; ++oy) {
      for (int32_t ox = 0; ox < g->out_w; ++ox) {
        for (int32_t oc = 0; oc < g->out_c; ++oc) {
          int32_t acc = 0;
          for (int32_t ky = 0; ky < g->k_h; ++ky) {
            const int32_t ty = oy + g->pad_top - ky;
            if (ty < 0 || ty % g->stride_h != 0 || ty / g->stride_h >= g->in_h) continue;
            for (int32_t kx = 0; kx < g->k_w; ++kx) {
              const int32_t tx = ox + g->pad_left - kx;
              if (tx < 0 || tx % g->stride_w != 0 || tx / g->stride_w >= g->in_w) continue;
              const int8_t *x = img + ((size_t)(ty / g->stride_h) * g->in_w + tx / g->stride_w) * g->in_c;
              const int8_t *k = w + (((size_t)oc * g->k_h + ky) * g->k_w + kx) * g->in_c;
              for (int32_t i = 0; i < g->in_c; ++i) acc += (x[i] + offset) * k[i];
            }
          }
          if (bias) acc += bias[oc];
          acc = tfg_requantize(acc, q->multiplier[oc], q->shift[oc]) + q->output_offset;
          *out++ = (int8_t)tfg_clamp_i32(acc, q->act_min, q->act_max);
        }
      }
    }
  }
  return TFG_OK;
}
