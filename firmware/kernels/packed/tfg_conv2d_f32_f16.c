/* tfg_conv2d_f32_f16: float NHWC convolution whose OHWI weights are stored as IEEE half, computed in float. */
#include "tfg_support.h"

tfg_status tfg_conv2d_f32_f16(const tfg_conv_geom *g, const float *in, const uint16_t *w, const float *bias,
                              float act_min, float act_max, float *out) {
  const int32_t group_in = g->in_c / g->groups;   /* input channels per group = weight's last dim */
  const int32_t group_out = g->out_c / g->groups; /* output channels per group */
  for (int32_t b = 0; b < g->batch; ++b) {
    for (int32_t oy = 0; oy < g->out_h; ++oy) {
      for (int32_t ox = 0; ox < g->out_w; ++ox) {
        const int32_t iy0 = oy * g->stride_h - g->pad_top;
        const int32_t ix0 = ox * g->stride_w - g->pad_left;
        for (int32_t oc = 0; oc < g->out_c; ++oc) {
          const int32_t ic0 = (oc / group_out) * group_in;
          float acc = 0.0f;
          for (int32_t ky = 0; ky < g->k_h; ++ky) {
            const int32_t iy = iy0 + ky * g->dil_h;
            if (iy < 0 || iy >= g->in_h) continue; /* padding contributes 0 */
            for (int32_t kx = 0; kx < g->k_w; ++kx) {
              const int32_t ix = ix0 + kx * g->dil_w;
              if (ix < 0 || ix >= g->in_w) continue;
              const float *x = in + (((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c + ic0;
              const uint16_t *k = w + (((size_t)oc * g->k_h + ky) * g->k_w + kx) * group_in;
              for (int32_t ic = 0; ic < group_in; ++ic) acc += x[ic] * tfg_half_to_f32(k[ic]);
            }
          }
          if (bias) acc += bias[oc];
          out[(((size_t)b * g->out_h + oy) * g->out_w + ox) * g->out_c + oc] = tfg_clamp_f32(acc, act_min, act_max);
        }
      }
    }
  }
  return TFG_OK;
}
