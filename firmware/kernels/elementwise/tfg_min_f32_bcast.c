/* tfg_min_f32_bcast: float element-wise min with NumPy broadcasting through precomputed strides (0 = broadcast). */
#include "tfg_support.h"

tfg_status tfg_min_f32_bcast(const tfg_bcast *p, const float *a, const float *b, float *out) {
  int32_t idx[TFG_MAX_DIMS] = {0};
  int32_t i = 0;
  do {
    const float av = a[tfg_nd_offset(p->rank, idx, p->a_strides)];
    const float bv = b[tfg_nd_offset(p->rank, idx, p->b_strides)];
    out[i++] = bv < av ? bv : av;
  } while (tfg_nd_next(p->rank, p->dims, idx));
  return TFG_OK;
}
