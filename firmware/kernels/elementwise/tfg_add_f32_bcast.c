/* tfg_add_f32_bcast: float element-wise sum with NumPy broadcasting through precomputed strides (0 = broadcast). */
#include "tfg_support.h"

tfg_status tfg_add_f32_bcast(const tfg_bcast *p, const float *a, const float *b, float act_min, float act_max,
                             float *out) {
  int32_t idx[TFG_MAX_DIMS] = {0};
  int32_t i = 0;
  do {
    const float v = a[tfg_nd_offset(p->rank, idx, p->a_strides)] + b[tfg_nd_offset(p->rank, idx, p->b_strides)];
    out[i++] = tfg_clamp_f32(v, act_min, act_max);
  } while (tfg_nd_next(p->rank, p->dims, idx));
  return TFG_OK;
}
