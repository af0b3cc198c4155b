/* tfg_mul_f32: float element-wise product of two same-shape tensors with the fused activation clamp. In place allowed. */
#include "tfg_support.h"

tfg_status tfg_mul_f32(int32_t n, const float *a, const float *b, float act_min, float act_max, float *out) {
  for (int32_t i = 0; i < n; ++i) out[i] = tfg_clamp_f32(a[i] * b[i], act_min, act_max);
  return TFG_OK;
}
