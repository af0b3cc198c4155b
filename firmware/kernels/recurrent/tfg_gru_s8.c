/* tfg_gru_s8: int8 GRU (ONNX semantics, one direction) with an int16 hidden state, unrolled over the time steps; the
 * arithmetic of gruInt8 in src/reference/int8/recurrent.ts, byte for byte (the steps: tfg_rnn_s8.h, portable dot
 * products). Scratch: the state (2·hidden bytes, then hidden rounded up to even) and
 * 13·hidden bytes. */
#include "tfg_rnn_s8.h"

tfg_status tfg_gru_s8(const tfg_rnn_geom *g, int32_t linear_before_reset, const tfg_rnn_s8_params *p, const int8_t *x,
                      const int8_t *w, const int8_t *r, const int32_t *bias, const int8_t *initial_h, int8_t *out,
                      void *scratch, int32_t scratch_bytes) {
  if (scratch_bytes < tfg_gru_s8_scratch(g)) return TFG_ERR_ARG;
  return tfg_gru_s8_run(tfg_dot2_ref_s8, g, linear_before_reset, p, x, w, r, bias, initial_h, out, scratch);
}

int32_t tfg_gru_s8_scratch_bytes(const tfg_rnn_geom *g) { return tfg_gru_s8_scratch(g); }
