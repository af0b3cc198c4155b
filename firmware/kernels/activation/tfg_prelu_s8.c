/* tfg_prelu_s8: int8 PRelu (TFLM PRELU int8): x − zp_in ≥ 0 scaled by s_in/s_out, else multiplied by the slope's
 * alpha − zp_alpha and scaled by s_in·s_alpha/s_out; plus zp_out, clamped. In place allowed. */
#include "tfg_support.h"

tfg_status tfg_prelu_s8(int32_t n, int32_t count, int32_t inner, const tfg_prelu_s8_params *p, const int8_t *alpha,
                        const int8_t *in, int8_t *out) {
  for (int32_t i = 0; i < n; ++i) {
    const int32_t v = (int32_t)in[i] - p->input_zero_point;
    int32_t r;
    if (v >= 0) {
      r = tfg_requantize(v, p->positive_multiplier, p->positive_shift);
    } else {
      const int32_t a = (int32_t)alpha[(i / inner) % count] - p->alpha_zero_point;
      r = tfg_requantize(v * a, p->negative_multiplier, p->negative_shift);
    }
    out[i] = (int8_t)tfg_clamp_i32(r + p->output_zero_point, -128, 127);
  }
  return TFG_OK;
}
