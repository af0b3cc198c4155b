/* tfg_clip_f32: float clamp to [lo, hi]; Relu is [0, FLT_MAX]. In place allowed. */
#include "tfg_support.h"

tfg_status tfg_clip_f32(int32_t n, float lo, float hi, const float *in, float *out) {
  for (int32_t i = 0; i < n; ++i) out[i] = tfg_clamp_f32(in[i], lo, hi);
  return TFG_OK;
}
