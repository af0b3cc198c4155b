/* tfg_conv_transpose_f32: a transposed convolution written as a gather, so each output is one sum (no scratch):
 * along each axis only the kernel taps whose source pixel divides exactly by the stride contribute. */
#include "tfg_support.h"

tfg_status tfg_conv_transpose_f32(const tfg_conv_geom *g, const float *in, const float *w, const float *bias,
                                  float act_min, float act_max, float *out) {
  for (int32_t b = 0; b < g->batch; ++b) {
    const float *img = in + (size_t)b * g->in_h * g->in_w * g->in_c;
    for (int32_t oy = 0; oy < g->out_h; ++oy) {
      for (int32_t ox = 0; ox < g->out_w; ++ox) {
        for (int32_t oc = 0; oc < g->out_c; ++oc) {
          float acc = bias ? bias[oc] : 0.0f;
          for (int32_t ky = 0; ky < g->k_h; ++ky) {
            const int32_t ty = oy + g->pad_top - ky;
            if (ty < 0 || ty % g->stride_h != 0 || ty / g->stride_h >= g->in_h) continue;
            for (int32_t kx = 0; kx < g->k_w; ++kx) {
              const int32_t tx = ox + g->pad_left - kx;
              if (tx < 0 || tx % g->stride_w != 0 || tx / g->stride_w >= g->in_w) continue;
              const float *x = img + ((size_t)(ty / g->stride_h) * g->in_w + tx / g->stride_w) * g->in_c;
              const float *k = w + (((size_t)oc * g->k_h + ky) * g->k_w + kx) * g->in_c;
              for (int32_t i = 0; i < g->in_c; ++i) acc += x[i] * k[i];
            }
          }
          *out++ = tfg_clamp_f32(acc, act_min, act_max);
        }
      }
    }
  }
  return TFG_OK;
}
