/* tfg_layernorm_f32: float layer normalization over contiguous slices of `size` values. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_layernorm_f32(int32_t outer, int32_t size, float epsilon, const float *in, const float *scale,
                             const float *bias, float *out) {
  for (int32_t o = 0; o < outer; ++o) {
    const float *x = in + (size_t)o * size;
    float *y = out + (size_t)o * size;
    float sum = 0.0f;
    for (int32_t i = 0; i < size; ++i) sum += x[i];
    const float mean = sum / (float)size;
    float sq = 0.0f;
    for (int32_t i = 0; i < size; ++i) {
      const float d = x[i] - mean;
      sq += d * d;
    }
    const float inv = 1.0f / sqrtf(sq / (float)size + epsilon);
    for (int32_t i = 0; i < size; ++i) {
      const float v = (x[i] - mean) * inv * scale[i];
      y[i] = bias ? v + bias[i] : v;
    }
  }
  return TFG_OK;
}
