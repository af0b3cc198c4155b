/* tfg_resize_bilinear_s8: TFLM's integer bilinear interpolation on the raw int8 values (input and output share
 * quantization); the row weights are taken out of the channel loop. */
#include "tfg_support.h"

tfg_status tfg_resize_bilinear_s8(const tfg_resize_geom *g, const int32_t *rows, const int32_t *cols, const int8_t *in,
                                  int8_t *out) {
  const int32_t c = g->channels;
  for (int32_t b = 0; b < g->batch; ++b) {
    const int8_t *image = in + b * g->in_h * g->in_w * c;
    for (int32_t i = 0; i < g->out_h; ++i) {
      const int8_t *r0 = image + rows[3 * i] * g->in_w * c;
      const int8_t *r1 = image + rows[3 * i + 1] * g->in_w * c;
      const int32_t fy = rows[3 * i + 2];
      for (int32_t j = 0; j < g->out_w; ++j) {
        const int32_t c0 = cols[3 * j] * c, c1 = cols[3 * j + 1] * c;
        const int32_t fx = cols[3 * j + 2];
        const int32_t w00 = (1024 - fy) * (1024 - fx), w10 = fy * (1024 - fx);
        const int32_t w01 = (1024 - fy) * fx, w11 = fy * fx;
        for (int32_t k = 0; k < c; ++k) {
          const int32_t acc = r0[c0 + k] * w00 + r1[c0 + k] * w10 + r0[c1 + k] * w01 + r1[c1 + k] * w11;
          *out++ = (int8_t)((acc + (acc > 0 ? (1 << 19) : -(1 << 19))) / (1 << 20));
        }
      }
    }
  }
  return TFG_OK;
}
