/* tfg_lstm_s8: int8 LSTM (ONNX semantics, one direction, no peepholes) with an int16 Q4.11 cell, unrolled over the time
 * steps; the arithmetic of lstmInt8 in src/reference/int8/recurrent.ts (TFLM's 8x8→16 integer LSTM), byte for byte
 * (the steps: tfg_rnn_s8.h, portable dot products). Scratch: the state (2·hidden bytes, then hidden rounded up to even)
 * and 16·hidden bytes. */
#include "tfg_rnn_s8.h"

tfg_status tfg_lstm_s8(const tfg_rnn_geom *g, const tfg_rnn_s8_params *p, const int8_t *x, const int8_t *w,
                       const int8_t *r, const int32_t *bias, const int8_t *initial_h, const int8_t *initial_c,
                       int8_t *out, void *scratch, int32_t scratch_bytes) {
  if (scratch_bytes < tfg_lstm_s8_scratch(g)) return TFG_ERR_ARG;
  return tfg_lstm_s8_run(tfg_dot2_ref_s8, g, p, x, w, r, bias, initial_h, initial_c, out, scratch);
}

int32_t tfg_lstm_s8_scratch_bytes(const tfg_rnn_geom *g) { return tfg_lstm_s8_scratch(g); }
