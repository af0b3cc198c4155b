/* tfg_instancenorm_f32: float instance normalization of [batch, spatial, channels] per sample and channel. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_instancenorm_f32(int32_t batch, int32_t spatial, int32_t channels, float epsilon, const float *in,
                                const float *scale, const float *bias, float *out) {
  for (int32_t n = 0; n < batch; ++n) {
    const size_t base = (size_t)n * spatial * channels;
    for (int32_t c = 0; c < channels; ++c) {
      float sum = 0.0f;
      for (int32_t i = 0; i < spatial; ++i) sum += in[base + (size_t)i * channels + c];
      const float mean = sum / (float)spatial;
      float sq = 0.0f;
      for (int32_t i = 0; i < spatial; ++i) {
        const float d = in[base + (size_t)i * channels + c] - mean;
        sq += d * d;
      }
      const float inv = 1.0f / sqrtf(sq / (float)spatial + epsilon);
      for (int32_t i = 0; i < spatial; ++i) {
        const size_t k = base + (size_t)i * channels + c;
        out[k] = (in[k] - mean) * inv * scale[c] + bias[c];
      }
    }
  }
  return TFG_OK;
}
