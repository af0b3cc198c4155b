/* tfg_pad_s8: constant N-d padding: fill with the pad value, then scatter the input rows to their offset. */
#include "tfg_support.h"

tfg_status tfg_pad_s8(const tfg_pad_params *p, int8_t value, const int8_t *in, int8_t *out) {
  int32_t out_strides[TFG_MAX_DIMS];
  int32_t total = 1;
  for (int32_t d = p->rank - 1; d >= 0; --d) {
    out_strides[d] = total;
    total *= p->out_dims[d];
  }
  for (int32_t i = 0; i < total; ++i) out[i] = value;
  /* walk the input's rows (all dims but the last), copying each whole row */
  const int32_t row = p->in_dims[p->rank - 1];
  int32_t idx[TFG_MAX_DIMS] = {0};
  int32_t src = 0;
  if (row == 0) return TFG_OK;
  do {
    int32_t dst = 0;
    for (int32_t d = 0; d < p->rank; ++d) dst += (idx[d] + p->begin[d]) * out_strides[d];
    for (int32_t i = 0; i < row; ++i) out[dst + i] = in[src + i];
    src += row;
  } while (tfg_nd_next(p->rank - 1, p->in_dims, idx));
  return TFG_OK;
}
