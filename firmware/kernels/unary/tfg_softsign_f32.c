/* tfg_softsign_f32: float softsign: x / (1 + |x|). In place allowed. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_softsign_f32(int32_t n, const float *in, float *out) {
  for (int32_t i = 0; i < n; ++i) {
    const float x = in[i];
    out[i] = x / (1.0f + fabsf(x));
  }
  return TFG_OK;
}
