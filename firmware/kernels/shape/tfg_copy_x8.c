/* tfg_copy_x8: byte copy, used for Reshape when the memory planner could not alias input and output (no libc needed). */
#include "tfg_support.h"

tfg_status tfg_copy_x8(int32_t bytes, const void *in, void *out) {
  const uint8_t *src = (const uint8_t *)in;
  uint8_t *dst = (uint8_t *)out;
  if (src == dst) return TFG_OK;
  for (int32_t i = 0; i < bytes; ++i) dst[i] = src[i]; /* the planner never hands over partially overlapping buffers */
  return TFG_OK;
}
