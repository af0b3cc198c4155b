/* tfg_global_avgpool_f32: float mean over H·W for every channel (NHWC → N,1,1,C). */
#include "tfg_support.h"

tfg_status tfg_global_avgpool_f32(int32_t batch, int32_t hw, int32_t channels, const float *in, float *out) {
  for (int32_t b = 0; b < batch; ++b) {
    for (int32_t c = 0; c < channels; ++c) {
      float sum = 0.0f;
      for (int32_t i = 0; i < hw; ++i) sum += in[((size_t)b * hw + i) * channels + c];
      out[(size_t)b * channels + c] = sum / (float)hw;
    }
  }
  return TFG_OK;
}
