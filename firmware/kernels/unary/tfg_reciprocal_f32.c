/* tfg_reciprocal_f32: float 1 / x (±inf at ±0). In place allowed. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_reciprocal_f32(int32_t n, const float *in, float *out) {
  for (int32_t i = 0; i < n; ++i) {
    const float x = in[i];
    out[i] = 1.0f / x;
  }
  return TFG_OK;
}
