/* tfg_softmax_f32: float softmax over the middle axis of [outer, depth, inner], max-subtracted for range. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_softmax_f32(int32_t outer, int32_t depth, int32_t inner, float beta, const float *in, float *out) {
  for (int32_t o = 0; o < outer; ++o) {
    for (int32_t j = 0; j < inner; ++j) {
      const float *x = in + (size_t)o * depth * inner + j;
      float *y = out + (size_t)o * depth * inner + j;
      float max = x[0];
      for (int32_t d = 1; d < depth; ++d) max = x[(size_t)d * inner] > max ? x[(size_t)d * inner] : max;
      float sum = 0.0f;
      for (int32_t d = 0; d < depth; ++d) {
        const float e = expf((x[(size_t)d * inner] - max) * beta);
        y[(size_t)d * inner] = e;
        sum += e;
      }
      for (int32_t d = 0; d < depth; ++d) y[(size_t)d * inner] /= sum;
    }
  }
  return TFG_OK;
}
