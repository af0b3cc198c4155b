/* tfg_concat_s8: int8 concatenation as row copies; inputs whose quantization differs from the output's are requantized. */
#include "tfg_support.h"

tfg_status tfg_concat_s8(int32_t outer, int32_t n_inputs, const int8_t *const *inputs, const int32_t *row_elems,
                         const tfg_requant_params *req, int8_t *out) {
  for (int32_t o = 0; o < outer; ++o) {
    for (int32_t k = 0; k < n_inputs; ++k) {
      const int8_t *src = inputs[k] + (size_t)o * row_elems[k];
      if (req[k].identity) {
        for (int32_t i = 0; i < row_elems[k]; ++i) out[i] = src[i];
      } else {
        for (int32_t i = 0; i < row_elems[k]; ++i) out[i] = tfg_requant_one(&req[k], src[i], -128, 127);
      }
      out += row_elems[k];
    }
  }
  return TFG_OK;
}
