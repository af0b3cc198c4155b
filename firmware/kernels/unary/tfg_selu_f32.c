/* tfg_selu_f32: float SELU: gamma·(x > 0 ? x : alpha·(e^x − 1)). In place allowed. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_selu_f32(int32_t n, float alpha, float gamma, const float *in, float *out) {
  for (int32_t i = 0; i < n; ++i) {
    const float x = in[i];
    out[i] = gamma * (x > 0.0f ? x : alpha * expm1f(x));
  }
  return TFG_OK;
}
