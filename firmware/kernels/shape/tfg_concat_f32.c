/* tfg_concat_f32: float concatenation as interleaved row copies ([outer, axis_k·inner] per input). */
#include "tfg_support.h"

tfg_status tfg_concat_f32(int32_t outer, int32_t n_inputs, const float *const *inputs, const int32_t *row_elems,
                          float *out) {
  for (int32_t o = 0; o < outer; ++o) {
    for (int32_t k = 0; k < n_inputs; ++k) {
      const float *src = inputs[k] + (size_t)o * row_elems[k];
      for (int32_t i = 0; i < row_elems[k]; ++i) out[i] = src[i];
      out += row_elems[k];
    }
  }
  return TFG_OK;
}
