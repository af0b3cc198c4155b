/* tfg_round_f32: float round half to even (ONNX Round): rintf in the default rounding mode. In place allowed. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_round_f32(int32_t n, const float *in, float *out) {
  for (int32_t i = 0; i < n; ++i) {
    const float x = in[i];
    out[i] = rintf(x);
  }
  return TFG_OK;
}
