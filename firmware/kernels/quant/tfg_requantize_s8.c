/* tfg_requantize_s8: int8 → int8 with a new scale/zero point (TFLite Requantize). In place allowed. */
#include "tfg_support.h"

tfg_status tfg_requantize_s8(int32_t n, const tfg_requant_params *p, const int8_t *in, int8_t *out) {
  for (int32_t i = 0; i < n; ++i) out[i] = tfg_requant_one(p, in[i], -128, 127);
  return TFG_OK;
}
