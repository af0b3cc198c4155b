/* tfg_prelu_f32: float PRelu, x < 0 → slope·x, slope[(i / inner) % count] (per channel wherever the channel axis is).
 * In place allowed. */
#include "tfg_support.h"

tfg_status tfg_prelu_f32(int32_t n, int32_t count, int32_t inner, const float *slope, const float *in, float *out) {
  for (int32_t i = 0; i < n; ++i) {
    const float x = in[i];
    out[i] = x < 0.0f ? slope[(i / inner) % count] * x : x;
  }
  return TFG_OK;
}
