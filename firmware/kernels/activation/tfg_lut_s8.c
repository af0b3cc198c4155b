/* tfg_lut_s8: an int8 element-wise function by lookup: out[i] = table[in[i] + 128]. Codegen emits the 256-entry
 * table from the reference's prepare step (HardSwish), so C and reference agree to the bit. In place allowed. */
#include "tfg_support.h"

tfg_status tfg_lut_s8(int32_t n, const int8_t *table, const int8_t *in, int8_t *out) {
  for (int32_t i = 0; i < n; ++i) out[i] = table[(int32_t)in[i] + 128];
  return TFG_OK;
}
