/* tfg_gelu_f32: float GELU, x·Φ(x) = 0.5·x·(1 + erf(x/√2)) (ONNX Gelu, approximate 'none'). In place allowed. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_gelu_f32(int32_t n, const float *in, float *out) {
  for (int32_t i = 0; i < n; ++i) {
    const float x = in[i];
    out[i] = 0.5f * x * (1.0f + erff(x * 0.70710678f));
  }
  return TFG_OK;
}
