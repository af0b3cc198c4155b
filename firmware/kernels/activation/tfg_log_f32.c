/* tfg_log_f32: float natural logarithm (NaN below 0, −inf at 0). In place allowed. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_log_f32(int32_t n, const float *in, float *out) {
  for (int32_t i = 0; i < n; ++i) out[i] = logf(in[i]);
  return TFG_OK;
}
