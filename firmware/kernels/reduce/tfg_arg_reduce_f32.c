/* tfg_arg_reduce_f32: float ArgMax / ArgMin, each output walking its axis in order and keeping the first (or, with
 * select_last, the last) index of the extreme value. */
#include "tfg_support.h"

tfg_status tfg_arg_reduce_f32(int32_t outer, int32_t axis_dim, int32_t inner, int32_t find_min, int32_t select_last,
                              const float *in, int32_t *out) {
  for (int32_t o = 0; o < outer; ++o) {
    for (int32_t i = 0; i < inner; ++i) {
      const float *x = in + o * axis_dim * inner + i;
      float best = x[0];
      int32_t index = 0;
      for (int32_t k = 1; k < axis_dim; ++k) {
        const float v = x[k * inner];
        const int better = find_min ? v < best : v > best;
        if (better || (select_last && v == best)) {
          best = v;
          index = k;
        }
      }
      out[o * inner + i] = index;
    }
  }
  return TFG_OK;
}
