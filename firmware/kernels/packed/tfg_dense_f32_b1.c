/* tfg_dense_f32_b1: float fully-connected layer with 1-bit weights (±alpha[o]): adds or subtracts each input by its sign
 * bit, then scales once per output (BinaryConnect deployment). */
#include "tfg_support.h"

tfg_status tfg_dense_f32_b1(int32_t batch, int32_t in_n, int32_t out_n, const float *in, const uint32_t *bits,
                            const float *alpha, const float *bias, float act_min, float act_max, float *out) {
  for (int32_t b = 0; b < batch; ++b) {
    const float *x = in + (size_t)b * (size_t)in_n;
    for (int32_t o = 0; o < out_n; ++o) {
      const size_t row = (size_t)o * (size_t)in_n;
      float acc = 0.0f;
      for (int32_t i = 0; i < in_n; ++i) {
        const size_t j = row + (size_t)i;
        acc += ((bits[j >> 5] >> (j & 31u)) & 1u) ? x[i] : -x[i];
      }
      acc *= alpha[o];
      if (bias) acc += bias[o];
      out[(size_t)b * (size_t)out_n + (size_t)o] = tfg_clamp_f32(acc, act_min, act_max);
    }
  }
  return TFG_OK;
}
