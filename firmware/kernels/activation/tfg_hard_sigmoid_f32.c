/* tfg_hard_sigmoid_f32: float max(0, min(1, alpha·x + beta)). In place allowed. */
#include "tfg_support.h"

tfg_status tfg_hard_sigmoid_f32(int32_t n, float alpha, float beta, const float *in, float *out) {
  for (int32_t i = 0; i < n; ++i) {
    const float v = alpha * in[i] + beta;
    out[i] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
  }
  return TFG_OK;
}
