/* tfg_minmax_s8_bcast: int8 element-wise min or max with NumPy broadcasting; each input is requantized to the
 * output's quantization first (req[0] for a, req[1] for b; a copy when identity). */
#include "tfg_support.h"

tfg_status tfg_minmax_s8_bcast(const tfg_bcast *p, const tfg_requant_params *req, int32_t take_max, const int8_t *a,
                               const int8_t *b, int8_t *out) {
  int32_t idx[TFG_MAX_DIMS] = {0};
  int32_t i = 0;
  do {
    const int8_t x1 = tfg_requant_one(&req[0], a[tfg_nd_offset(p->rank, idx, p->a_strides)], -128, 127);
    const int8_t x2 = tfg_requant_one(&req[1], b[tfg_nd_offset(p->rank, idx, p->b_strides)], -128, 127);
    out[i++] = take_max ? (x2 > x1 ? x2 : x1) : (x2 < x1 ? x2 : x1);
  } while (tfg_nd_next(p->rank, p->dims, idx));
  return TFG_OK;
}
