/* tfg_thresholded_relu_f32: float thresholded ReLU: x > alpha ? x : 0. In place allowed. */
#include <math.h>
#include "tfg_support.h"

tfg_status tfg_thresholded_relu_f32(int32_t n, float alpha, const float *in, float *out) {
  for (int32_t i = 0; i < n; ++i) {
    const float x = in[i];
    out[i] = x > alpha ? x : 0.0f;
  }
  return TFG_OK;
}
