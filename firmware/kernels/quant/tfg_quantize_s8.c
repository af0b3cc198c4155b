/* tfg_quantize_s8: float → int8 affine quantization (TFLite AffineQuantize), as quantizeValue in src/reference/quant.ts. */
#include "tfg_support.h"

tfg_status tfg_quantize_s8(int32_t n, float scale, int32_t zero_point, const float *in, int8_t *out) {
  for (int32_t i = 0; i < n; ++i) {
    /* float32 division, then round half away from zero exactly like roundf (no libm: the int8 path stays freestanding) */
    float v = in[i] / scale;
    v = v < -1024.0f ? -1024.0f : (v > 1024.0f ? 1024.0f : v); /* beyond int8 anyway; keeps the cast in range */
    int32_t r = (int32_t)v;                                    /* truncates toward zero */
    const float frac = v - (float)r;                           /* exact: |v| < 2^10 */
    if (frac >= 0.5f)
      r += 1;
    else if (frac <= -0.5f)
      r -= 1;
    out[i] = (int8_t)tfg_clamp_i32(r + zero_point, -128, 127);
  }
  return TFG_OK;
}
