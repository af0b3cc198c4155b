/* tfg_add_s8: reference int8 element-wise add of same-shape tensors (TFLite reference_integer_ops::Add). In place allowed. */
#include "tfg_support.h"

tfg_status tfg_add_s8(int32_t n, const tfg_add_s8_params *p, const int8_t *a, const int8_t *b, int8_t *out) {
  for (int32_t i = 0; i < n; ++i) out[i] = tfg_addsub_s8_one(p, a[i], b[i], 1);
  return TFG_OK;
}
