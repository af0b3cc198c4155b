/* tfg_concat_s8: int8 concatenation of inputs sharing the output's quantization (TFLite int8 requires it), as row copies. */
#include <string.h>
#include "tfg_support.h"

tfg_status tfg_concat_s8(int32_t outer, int32_t n_inputs, const int8_t *const *inputs, const int32_t *row_elems, int8_t *out) {
  for (int32_t o = 0; o < outer; ++o) {
    for (int32_t k = 0; k < n_inputs; ++k) {
      memcpy(out, inputs[k] + (size_t)o * row_elems[k], (size_t)row_elems[k]);
      out += row_elems[k];
    }
  }
  return TFG_OK;
}
