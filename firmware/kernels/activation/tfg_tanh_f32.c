/* tfg_tanh_f32: float hyperbolic tangent. In place allowed. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_tanh_f32(int32_t n, const float *in, float *out) {
  for (int32_t i = 0; i < n; ++i) out[i] = tanhf(in[i]);
  return TFG_OK;
}
