/* tfg_transpose_s8: N-d transpose walking the output in order and gathering through permuted input strides. */
#include "tfg_support.h"

tfg_status tfg_transpose_s8(const tfg_transpose_params *p, const int8_t *in, int8_t *out) {
  int32_t idx[TFG_MAX_DIMS] = {0};
  int32_t i = 0;
  do {
    out[i++] = in[tfg_nd_offset(p->rank, idx, p->in_strides)];
  } while (tfg_nd_next(p->rank, p->out_dims, idx));
  return TFG_OK;
}
