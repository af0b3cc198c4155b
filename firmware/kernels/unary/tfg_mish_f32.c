/* tfg_mish_f32: float Mish: x·tanh(softplus(x)). In place allowed. */
#include <math.h>
#include "tfg_support.h"

/* ln(1 + e^x) without overflow for large x. */
static float softplus(float x) { return x > 0.0f ? x + log1pf(expf(-x)) : log1pf(expf(x)); }

tfg_status tfg_mish_f32(int32_t n, const float *in, float *out) {
  for (int32_t i = 0; i < n; ++i) out[i] = in[i] * tanhf(softplus(in[i]));
  return TFG_OK;
}
