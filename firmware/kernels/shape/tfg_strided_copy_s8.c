/* tfg_strided_copy_s8: walks the output in order; the last dimension is a tight loop at its input stride, the outer
 * ones advance the input offset like an odometer. */
#include "tfg_support.h"

tfg_status tfg_strided_copy_s8(const tfg_strided_copy_params *p, const int8_t *in, int8_t *out) {
  const int32_t last = p->rank - 1;
  const int32_t run = p->out_dims[last];
  const int32_t step = p->in_strides[last];
  int32_t idx[TFG_MAX_DIMS] = {0};
  int32_t from = p->offset;
  for (;;) {
    const int8_t *src = in + from;
    if (step == 1) {
      for (int32_t k = 0; k < run; ++k) out[k] = src[k];
    } else {
      for (int32_t k = 0; k < run; ++k) out[k] = src[k * step];
    }
    out += run;
    int32_t d = last - 1;
    for (; d >= 0; --d) {
      from += p->in_strides[d];
      if (++idx[d] < p->out_dims[d]) break;
      from -= p->in_strides[d] * p->out_dims[d];
      idx[d] = 0;
    }
    if (d < 0) return TFG_OK;
  }
}
