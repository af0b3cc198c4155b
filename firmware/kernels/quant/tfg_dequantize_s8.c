/* tfg_dequantize_s8: int8 → float, x = scale·(q − zero_point); one float multiply rounds like the reference's fround(double product). */
#include "tfg_support.h"

tfg_status tfg_dequantize_s8(int32_t n, float scale, int32_t zero_point, const int8_t *in, float *out) {
  for (int32_t i = 0; i < n; ++i) out[i] = scale * (float)((int32_t)in[i] - zero_point);
  return TFG_OK;
}
