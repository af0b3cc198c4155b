/* tfg_resize_bilinear_f32: each output value blends its four neighbours, along W first and then along H, with the
 * weights codegen computed (the order of the float reference, so the two round alike). */
#include "tfg_support.h"

tfg_status tfg_resize_bilinear_f32(const tfg_resize_geom *g, const int32_t *rows, const int32_t *cols,
                                   const float *row_w, const float *col_w, const float *in, float *out) {
  const int32_t c = g->channels;
  for (int32_t b = 0; b < g->batch; ++b) {
    const float *image = in + b * g->in_h * g->in_w * c;
    for (int32_t i = 0; i < g->out_h; ++i) {
      const float *r0 = image + rows[2 * i] * g->in_w * c;
      const float *r1 = image + rows[2 * i + 1] * g->in_w * c;
      const float wy0 = row_w[2 * i], wy1 = row_w[2 * i + 1];
      for (int32_t j = 0; j < g->out_w; ++j) {
        const int32_t c0 = cols[2 * j] * c, c1 = cols[2 * j + 1] * c;
        const float wx0 = col_w[2 * j], wx1 = col_w[2 * j + 1];
        for (int32_t k = 0; k < c; ++k) {
          const float top = r0[c0 + k] * wx0 + r0[c1 + k] * wx1;
          const float bottom = r1[c0 + k] * wx0 + r1[c1 + k] * wx1;
          *out++ = top * wy0 + bottom * wy1;
        }
      }
    }
  }
  return TFG_OK;
}
