/* tfg_batchnorm_f32: float inference-mode batch normalization over the last (channel) axis. In place allowed. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_batchnorm_f32(int32_t outer, int32_t channels, float epsilon, const float *in, const float *scale,
                             const float *bias, const float *mean, const float *var, float *out) {
  for (int32_t o = 0; o < outer; ++o) {
    for (int32_t c = 0; c < channels; ++c) {
      const size_t i = (size_t)o * channels + c;
      out[i] = (in[i] - mean[c]) / sqrtf(var[c] + epsilon) * scale[c] + bias[c];
    }
  }
  return TFG_OK;
}
