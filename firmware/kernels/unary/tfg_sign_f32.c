/* tfg_sign_f32: float sign: 1, −1, or x itself at ±0 and NaN. In place allowed. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_sign_f32(int32_t n, const float *in, float *out) {
  for (int32_t i = 0; i < n; ++i) {
    const float x = in[i];
    out[i] = x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x);
  }
  return TFG_OK;
}
