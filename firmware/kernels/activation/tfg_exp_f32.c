/* tfg_exp_f32: float e^x. In place allowed. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_exp_f32(int32_t n, const float *in, float *out) {
  for (int32_t i = 0; i < n; ++i) out[i] = expf(in[i]);
  return TFG_OK;
}
