/* tfg_sqrt_f32: float square root (NaN below 0). In place allowed. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_sqrt_f32(int32_t n, const float *in, float *out) {
  for (int32_t i = 0; i < n; ++i) {
    const float x = in[i];
    out[i] = sqrtf(x);
  }
  return TFG_OK;
}
