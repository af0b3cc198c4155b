/* tfg_div_f32: float element-wise quotient of two same-shape tensors. In place allowed. */
#include "tfg_support.h"

tfg_status tfg_div_f32(int32_t n, const float *a, const float *b, float *out) {
  for (int32_t i = 0; i < n; ++i) out[i] = a[i] / b[i];
  return TFG_OK;
}
