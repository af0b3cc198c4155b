/* tfg_copy_x8: byte copy, used for Reshape when the memory planner could not alias input and output. */
#include <string.h>
#include "tfg_support.h"

tfg_status tfg_copy_x8(int32_t bytes, const void *in, void *out) {
  if (in != out) memmove(out, in, (size_t)bytes);
  return TFG_OK;
}
