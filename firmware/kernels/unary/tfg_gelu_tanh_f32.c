/* tfg_gelu_tanh_f32: float GELU by its tanh approximation, 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (ONNX Gelu,
 * approximate 'tanh'). In place allowed. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_gelu_tanh_f32(int32_t n, const float *in, float *out) {
  for (int32_t i = 0; i < n; ++i) {
    const float x = in[i];
    out[i] = 0.5f * x * (1.0f + tanhf(0.79788456f * (x + 0.044715f * x * x * x)));
  }
  return TFG_OK;
}
