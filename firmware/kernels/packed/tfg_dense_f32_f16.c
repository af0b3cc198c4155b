/* tfg_dense_f32_f16: float fully-connected layer whose weights are stored as IEEE half (half the flash), computed in float. */
#include "tfg_support.h"

tfg_status tfg_dense_f32_f16(int32_t batch, int32_t in_n, int32_t out_n, const float *in, const uint16_t *w,
                             const float *bias, float act_min, float act_max, float *out) {
  for (int32_t b = 0; b < batch; ++b) {
    const float *x = in + (size_t)b * (size_t)in_n;
    for (int32_t o = 0; o < out_n; ++o) {
      const uint16_t *row = w + (size_t)o * (size_t)in_n;
      float acc = 0.0f;
      for (int32_t i = 0; i < in_n; ++i) acc += x[i] * tfg_half_to_f32(row[i]);
      if (bias) acc += bias[o];
      out[(size_t)b * (size_t)out_n + (size_t)o] = tfg_clamp_f32(acc, act_min, act_max);
    }
  }
  return TFG_OK;
}
