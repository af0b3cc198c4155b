/* tfg_global_avgpool_s8: int8 mean over H·W per channel like TFLite's quantized Mean (requantize, then divide). */
#include "tfg_support.h"

tfg_status tfg_global_avgpool_s8(int32_t batch, int32_t hw, int32_t channels, int32_t input_zero_point,
                                 int32_t output_zero_point, int32_t multiplier, int32_t shift, const int8_t *in,
                                 int8_t *out) {
  for (int32_t b = 0; b < batch; ++b) {
    for (int32_t c = 0; c < channels; ++c) {
      int32_t acc = 0;
      for (int32_t i = 0; i < hw; ++i) acc += (int32_t)in[((size_t)b * hw + i) * channels + c] - input_zero_point;
      acc = tfg_requantize(acc, multiplier, shift);
      acc = acc > 0 ? (acc + hw / 2) / hw : (acc - hw / 2) / hw; /* C division truncates: this rounds half away */
      out[(size_t)b * channels + c] = (int8_t)tfg_clamp_i32(acc + output_zero_point, -128, 127);
    }
  }
  return TFG_OK;
}
