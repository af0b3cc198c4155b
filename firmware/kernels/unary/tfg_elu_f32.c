/* tfg_elu_f32: float ELU: x < 0 ? alpha·(e^x − 1) : x. In place allowed. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_elu_f32(int32_t n, float alpha, const float *in, float *out) {
  for (int32_t i = 0; i < n; ++i) {
    const float x = in[i];
    out[i] = x < 0.0f ? alpha * expm1f(x) : x;
  }
  return TFG_OK;
}
