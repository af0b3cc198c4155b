/* tfg_strided_copy_s8: walks the output in order, reading the input through an offset and per-dimension strides. */
#include "tfg_support.h"

tfg_status tfg_strided_copy_s8(const tfg_strided_copy_params *p, const int8_t *in, int8_t *out) {
  int32_t idx[TFG_MAX_DIMS] = {0};
  int32_t i = 0;
  do {
    out[i++] = in[p->offset + tfg_nd_offset(p->rank, idx, p->in_strides)];
  } while (tfg_nd_next(p->rank, p->out_dims, idx));
  return TFG_OK;
}
