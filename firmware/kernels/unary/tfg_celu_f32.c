/* tfg_celu_f32: float CELU: max(0, x) + min(0, alpha·(e^(x/alpha) − 1)). In place allowed. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_celu_f32(int32_t n, float alpha, const float *in, float *out) {
  for (int32_t i = 0; i < n; ++i) {
    const float x = in[i];
    out[i] = fmaxf(0.0f, x) + fminf(0.0f, alpha * expm1f(x / alpha));
  }
  return TFG_OK;
}
