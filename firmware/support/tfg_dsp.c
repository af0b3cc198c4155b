/* tfg_dsp.c: the out-of-line part of tfg_dsp.h. */
#include "tfg_dsp.h"

int32_t tfg_requant_dsp_general(int32_t acc, int32_t multiplier, int32_t shift, int32_t output_offset) {
  return tfg_requantize(acc, multiplier, shift) + output_offset;
}
