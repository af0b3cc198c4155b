/* tfg_quantize_s8: float → int8 affine quantization (TFLite AffineQuantize), as quantizeValue in src/reference/quant.ts. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_quantize_s8(int32_t n, float scale, int32_t zero_point, const float *in, int8_t *out) {
  for (int32_t i = 0; i < n; ++i) {
    /* float32 division, then roundf (half away from zero), exactly TfLiteRound(val / scale) */
    const float r = roundf(in[i] / scale);
    const int32_t q = r < -1024.0f ? -1024 : (r > 1024.0f ? 1024 : (int32_t)r); /* keep the cast in int32 range */
    out[i] = (int8_t)tfg_clamp_i32(q + zero_point, -128, 127);
  }
  return TFG_OK;
}
