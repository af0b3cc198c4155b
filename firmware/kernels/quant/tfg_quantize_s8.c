/* tfg_quantize_s8: float → int8 affine quantization, rounding like quantizeValue in src/reference/quant.ts. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_quantize_s8(int32_t n, double scale, int32_t zero_point, const float *in, int8_t *out) {
  for (int32_t i = 0; i < n; ++i) {
    /* double, as the TS reference computes in JS numbers; round half away from zero like TfLiteRound */
    const double q = round((double)in[i] / scale) + (double)zero_point;
    out[i] = (int8_t)(q < -128.0 ? -128 : (q > 127.0 ? 127 : (int32_t)q));
  }
  return TFG_OK;
}
