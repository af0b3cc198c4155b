/* tfg_avgpool_f32: float average pooling; count_include_pad (ONNX) counts padded positions as zeros. */
#include "tfg_support.h"

tfg_status tfg_avgpool_f32(const tfg_pool_geom *g, int32_t count_include_pad, float act_min, float act_max,
                           const float *in, float *out) {
  for (int32_t b = 0; b < g->batch; ++b) {
    for (int32_t oy = 0; oy < g->out_h; ++oy) {
      const int32_t iy0 = oy * g->stride_h - g->pad_top;
      const int32_t ky0 = tfg_max_i32(0, -iy0), ky1 = tfg_min_i32(g->k_h, g->in_h - iy0);
      for (int32_t ox = 0; ox < g->out_w; ++ox) {
        const int32_t ix0 = ox * g->stride_w - g->pad_left;
        const int32_t kx0 = tfg_max_i32(0, -ix0), kx1 = tfg_min_i32(g->k_w, g->in_w - ix0);
        /* ONNX count_include_pad divides by the whole kernel area, as the float reference does */
        const int32_t count = count_include_pad ? g->k_h * g->k_w : (ky1 - ky0) * (kx1 - kx0);
        for (int32_t c = 0; c < g->channels; ++c) {
          float sum = 0.0f;
          for (int32_t ky = ky0; ky < ky1; ++ky)
            for (int32_t kx = kx0; kx < kx1; ++kx)
              sum += in[(((size_t)b * g->in_h + iy0 + ky) * g->in_w + ix0 + kx) * g->channels + c];
          const float avg = count > 0 ? sum / (float)count : 0.0f;
          out[(((size_t)b * g->out_h + oy) * g->out_w + ox) * g->channels + c] = tfg_clamp_f32(avg, act_min, act_max);
        }
      }
    }
  }
  return TFG_OK;
}
