/* tfg_leaky_relu_f32: float leaky ReLU, x < 0 → alpha·x. In place allowed. */
#include "tfg_support.h"

tfg_status tfg_leaky_relu_f32(int32_t n, float alpha, const float *in, float *out) {
  for (int32_t i = 0; i < n; ++i) out[i] = in[i] < 0.0f ? alpha * in[i] : in[i];
  return TFG_OK;
}
