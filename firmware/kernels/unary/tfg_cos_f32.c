/* tfg_cos_f32: float cosine. In place allowed. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_cos_f32(int32_t n, const float *in, float *out) {
  for (int32_t i = 0; i < n; ++i) {
    const float x = in[i];
    out[i] = cosf(x);
  }
  return TFG_OK;
}
