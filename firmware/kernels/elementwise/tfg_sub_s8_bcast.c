/* tfg_sub_s8_bcast: reference int8 subtract with NumPy broadcasting through precomputed strides (TFLite BroadcastSub). */
#include "tfg_support.h"

tfg_status tfg_sub_s8_bcast(const tfg_bcast *bc, const tfg_add_s8_params *p, const int8_t *a, const int8_t *b,
                            int8_t *out) {
  int32_t idx[TFG_MAX_DIMS] = {0};
  int32_t i = 0;
  do {
    out[i++] = tfg_addsub_s8_one(p, a[tfg_nd_offset(bc->rank, idx, bc->a_strides)],
                                 b[tfg_nd_offset(bc->rank, idx, bc->b_strides)], -1);
  } while (tfg_nd_next(bc->rank, bc->dims, idx));
  return TFG_OK;
}
