/* tfg_sigmoid_f32: float logistic function 1 / (1 + e^−x). In place allowed. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_sigmoid_f32(int32_t n, const float *in, float *out) {
  for (int32_t i = 0; i < n; ++i) out[i] = 1.0f / (1.0f + expf(-in[i]));
  return TFG_OK;
}
