/* tfg_clip_s8: int8 Relu/Clip with equal input and output quantization: a clamp to the quantized bounds. In place allowed. */
#include "tfg_support.h"

tfg_status tfg_clip_s8(int32_t n, int32_t lo, int32_t hi, const int8_t *in, int8_t *out) {
  for (int32_t i = 0; i < n; ++i) out[i] = (int8_t)tfg_clamp_i32(in[i], lo, hi);
  return TFG_OK;
}
