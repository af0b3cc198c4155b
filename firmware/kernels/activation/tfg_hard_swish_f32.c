/* tfg_hard_swish_f32: float HardSwish x · min(max(x + 3, 0), 6) / 6 (MobileNetV3), each step in float in the
 * order src/reference/float/hard-swish.ts rounds it. In place allowed. */
#include "tfg_support.h"

tfg_status tfg_hard_swish_f32(int32_t n, const float *in, float *out) {
  for (int32_t i = 0; i < n; ++i) {
    const float x = in[i];
    float r = x + 3.0f;
    r = r < 0.0f ? 0.0f : (r > 6.0f ? 6.0f : r);
    out[i] = (x * r) / 6.0f;
  }
  return TFG_OK;
}
