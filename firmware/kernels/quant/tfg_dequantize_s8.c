/* tfg_dequantize_s8: int8 → float, x = scale·(q − zero_point) computed in double then rounded once to float. */
#include "tfg_support.h"

tfg_status tfg_dequantize_s8(int32_t n, double scale, int32_t zero_point, const int8_t *in, float *out) {
  for (int32_t i = 0; i < n; ++i) out[i] = (float)(scale * (double)((int32_t)in[i] - zero_point));
  return TFG_OK;
}
