/* tfg_gather_x8: copies whole rows picked by constant indices; works on bytes, so one kernel serves every dtype. */
#include "tfg_support.h"

tfg_status tfg_gather_x8(int32_t outer, int32_t axis_rows, int32_t row_bytes, int32_t count, const int32_t *indices,
                         const void *in, void *out) {
  const uint8_t *src = (const uint8_t *)in;
  uint8_t *dst = (uint8_t *)out;
  for (int32_t b = 0; b < outer; ++b) {
    for (int32_t k = 0; k < count; ++k) {
      const uint8_t *row = src + (b * axis_rows + indices[k]) * row_bytes;
      for (int32_t i = 0; i < row_bytes; ++i) *dst++ = row[i];
    }
  }
  return TFG_OK;
}
