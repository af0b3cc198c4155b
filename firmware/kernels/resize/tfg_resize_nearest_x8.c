/* tfg_resize_nearest_x8: copies whole pixels (all channels) from the source the tables pick; bytes, so one kernel
 * serves float and int8. */
#include "tfg_support.h"

tfg_status tfg_resize_nearest_x8(const tfg_resize_geom *g, int32_t elem_bytes, const int32_t *rows, const int32_t *cols,
                                 const void *in, void *out) {
  const uint8_t *src = (const uint8_t *)in;
  uint8_t *dst = (uint8_t *)out;
  const int32_t pixel = g->channels * elem_bytes;
  for (int32_t b = 0; b < g->batch; ++b) {
    const uint8_t *image = src + b * g->in_h * g->in_w * pixel;
    for (int32_t i = 0; i < g->out_h; ++i) {
      const uint8_t *row = image + rows[i] * g->in_w * pixel;
      for (int32_t j = 0; j < g->out_w; ++j) {
        const uint8_t *p = row + cols[j] * pixel;
        for (int32_t k = 0; k < pixel; ++k) *dst++ = p[k];
      }
    }
  }
  return TFG_OK;
}
