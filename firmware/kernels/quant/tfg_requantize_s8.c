/* tfg_requantize_s8: int8 → int8 with a new scale/zero point (TFLite Requantize). In place allowed. */
#include "tfg_support.h"

tfg_status tfg_requantize_s8(int32_t n, int32_t input_zero_point, int32_t output_zero_point, int32_t multiplier,
                             int32_t shift, const int8_t *in, int8_t *out) {
  for (int32_t i = 0; i < n; ++i) {
    const int32_t v = tfg_requantize((int32_t)in[i] - input_zero_point, multiplier, shift) + output_zero_point;
    out[i] = (int8_t)tfg_clamp_i32(v, -128, 127);
  }
  return TFG_OK;
}
