/* tfg_maxpool_s8: reference int8 max pooling (TFLite reference_integer_ops::MaxPool; input and output share quantization). */
#include "tfg_support.h"

tfg_status tfg_maxpool_s8(const tfg_pool_geom *g, int32_t act_min, int32_t act_max, const int8_t *in, int8_t *out) {
  for (int32_t b = 0; b < g->batch; ++b) {
    for (int32_t oy = 0; oy < g->out_h; ++oy) {
      const int32_t iy0 = oy * g->stride_h - g->pad_top;
      const int32_t ky0 = tfg_max_i32(0, -iy0), ky1 = tfg_min_i32(g->k_h, g->in_h - iy0);
      for (int32_t ox = 0; ox < g->out_w; ++ox) {
        const int32_t ix0 = ox * g->stride_w - g->pad_left;
        const int32_t kx0 = tfg_max_i32(0, -ix0), kx1 = tfg_min_i32(g->k_w, g->in_w - ix0);
        for (int32_t c = 0; c < g->channels; ++c) {
          int32_t m = -128;
          for (int32_t ky = ky0; ky < ky1; ++ky)
            for (int32_t kx = kx0; kx < kx1; ++kx)
              m = tfg_max_i32(m, in[(((size_t)b * g->in_h + iy0 + ky) * g->in_w + ix0 + kx) * g->channels + c]);
          out[(((size_t)b * g->out_h + oy) * g->out_w + ox) * g->channels + c] =
              (int8_t)tfg_clamp_i32(m, act_min, act_max);
        }
      }
    }
  }
  return TFG_OK;
}
