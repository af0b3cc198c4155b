/* tfg_avgpool_s8: reference int8 average pooling (TFLite reference_integer_ops::AveragePool: rounded-half-away division). */
#include "tfg_support.h"

tfg_status tfg_avgpool_s8(const tfg_pool_geom *g, int32_t count_include_pad, int32_t pad_value, int32_t act_min,
                          int32_t act_max, const int8_t *in, int8_t *out) {
  for (int32_t b = 0; b < g->batch; ++b) {
    for (int32_t oy = 0; oy < g->out_h; ++oy) {
      const int32_t iy0 = oy * g->stride_h - g->pad_top;
      const int32_t ky0 = tfg_max_i32(0, -iy0), ky1 = tfg_min_i32(g->k_h, g->in_h - iy0);
      /* window positions inside the padded input, for count_include_pad */
      const int32_t py = tfg_min_i32(g->k_h, g->in_h + g->pad_bottom - iy0) - tfg_max_i32(0, -g->pad_top - iy0);
      for (int32_t ox = 0; ox < g->out_w; ++ox) {
        const int32_t ix0 = ox * g->stride_w - g->pad_left;
        const int32_t kx0 = tfg_max_i32(0, -ix0), kx1 = tfg_min_i32(g->k_w, g->in_w - ix0);
        const int32_t px = tfg_min_i32(g->k_w, g->in_w + g->pad_right - ix0) - tfg_max_i32(0, -g->pad_left - ix0);
        const int32_t valid = (ky1 - ky0) * (kx1 - kx0);
        const int32_t count = count_include_pad ? py * px : valid;
        for (int32_t c = 0; c < g->channels; ++c) {
          int32_t acc = count_include_pad ? (count - valid) * pad_value : 0;
          for (int32_t ky = ky0; ky < ky1; ++ky)
            for (int32_t kx = kx0; kx < kx1; ++kx)
              acc += in[(((size_t)b * g->in_h + iy0 + ky) * g->in_w + ix0 + kx) * g->channels + c];
          acc = count > 0 ? (acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count) : pad_value;
          out[(((size_t)b * g->out_h + oy) * g->out_w + ox) * g->channels + c] =
              (int8_t)tfg_clamp_i32(acc, act_min, act_max);
        }
      }
    }
  }
  return TFG_OK;
}
