/* tfg_log_softmax_f32: float log-softmax over the middle axis of [outer, depth, inner]: (x − max) − ln Σ e^(x − max). */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_log_softmax_f32(int32_t outer, int32_t depth, int32_t inner, const float *in, float *out) {
  for (int32_t o = 0; o < outer; ++o) {
    for (int32_t j = 0; j < inner; ++j) {
      const float *x = in + (size_t)o * depth * inner + j;
      float *y = out + (size_t)o * depth * inner + j;
      float max = x[0];
      for (int32_t d = 1; d < depth; ++d) max = x[(size_t)d * inner] > max ? x[(size_t)d * inner] : max;
      float sum = 0.0f;
      for (int32_t d = 0; d < depth; ++d) sum += expf(x[(size_t)d * inner] - max);
      const float log_sum = logf(sum);
      for (int32_t d = 0; d < depth; ++d) y[(size_t)d * inner] = (x[(size_t)d * inner] - max) - log_sum;
    }
  }
  return TFG_OK;
}
