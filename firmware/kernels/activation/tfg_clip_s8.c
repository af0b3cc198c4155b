/* tfg_clip_s8: int8 Relu/Clip (TFLM ReluQuantized): requantize to the output's quantization, clamp to the quantized bounds. */
#include "tfg_support.h"

tfg_status tfg_clip_s8(int32_t n, const tfg_requant_params *p, int32_t lo, int32_t hi, const int8_t *in, int8_t *out) {
  for (int32_t i = 0; i < n; ++i) out[i] = tfg_requant_one(p, in[i], lo, hi);
  return TFG_OK;
}
