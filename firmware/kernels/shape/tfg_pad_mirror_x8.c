/* tfg_pad_mirror_x8: reflect / edge Pad; each output element maps back into the input axis by axis. */
#include "tfg_support.h"

static int32_t mirror(int32_t reflect, int32_t i, int32_t begin, int32_t n) {
  const int32_t j = i - begin;
  if (j < 0) return reflect ? -j : 0;
  if (j >= n) return reflect ? 2 * (n - 1) - j : n - 1;
  return j;
}

tfg_status tfg_pad_mirror_x8(const tfg_pad_params *p, int32_t reflect, int32_t elem_bytes, const void *in, void *out) {
  int32_t in_strides[TFG_MAX_DIMS];
  int32_t stride = elem_bytes;
  for (int32_t d = p->rank - 1; d >= 0; --d) {
    in_strides[d] = stride;
    stride *= p->in_dims[d];
  }
  const uint8_t *src = (const uint8_t *)in;
  uint8_t *dst = (uint8_t *)out;
  int32_t idx[TFG_MAX_DIMS] = {0};
  do {
    int32_t from = 0;
    for (int32_t d = 0; d < p->rank; ++d) from += mirror(reflect, idx[d], p->begin[d], p->in_dims[d]) * in_strides[d];
    for (int32_t b = 0; b < elem_bytes; ++b) *dst++ = src[from + b];
  } while (tfg_nd_next(p->rank, p->out_dims, idx));
  return TFG_OK;
}
