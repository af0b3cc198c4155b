/* tfg_lstm_s8: int8 LSTM (ONNX semantics, one direction, no peepholes) with an int16 Q4.11 cell, unrolled over the time
 * steps; the arithmetic of lstmInt8 in src/reference/int8/recurrent.ts (TFLM's 8x8→16 integer LSTM), byte for byte.
 * The state (c16, then h8) sits at the start of the scratch, then one step's gate pre-activations.
 * Scratch: 11·hidden bytes. */
#include <string.h>
#include "tfg_rnn_s8.h"

tfg_status tfg_lstm_s8(const tfg_rnn_geom *g, const tfg_rnn_s8_params *p, const int8_t *x, const int8_t *w,
                       const int8_t *r, const int32_t *bias, const int8_t *initial_h, const int8_t *initial_c,
                       int8_t *out, void *scratch, int32_t scratch_bytes) {
  if (scratch_bytes < tfg_lstm_s8_scratch_bytes(g)) return TFG_ERR_ARG;
  const int32_t hn = g->hidden, in_n = g->in_n, steps = g->steps, batch = g->batch;
  int16_t *const c16 = (int16_t *)scratch, *const gates = c16 + hn;
  int8_t *const h8 = (int8_t *)(gates + 4 * hn);
  const int32_t *const rbias = bias ? bias + 4 * hn : NULL;
  const int16_t *const sig = p->sigmoid_table, *const tanh_t = p->tanh_table;
  for (int32_t b = 0; b < batch; ++b) {
    for (int32_t j = 0; j < hn; ++j) {
      h8[j] = (int8_t)(initial_h ? tfg_sat8(tfg_requantize((int32_t)initial_h[b * hn + j] + p->h0_offset,
                                                           p->h0_multiplier, p->h0_shift) +
                                            p->h_zero_point)
                                 : p->h_zero_point);
      c16[j] = (int16_t)(initial_c ? tfg_sat16(tfg_requantize((int32_t)initial_c[b * hn + j] + p->c0_offset,
                                                              p->c0_multiplier, p->c0_shift))
                                   : 0);
    }
    for (int32_t i = 0; i < steps; ++i) {
      const int32_t t = g->reverse ? steps - 1 - i : i;
      const int8_t *const xt = x + ((size_t)t * (size_t)batch + (size_t)b) * (size_t)in_n;
      for (int32_t k = 0; k < 4 * hn; ++k)
        gates[k] = (int16_t)tfg_sat16(tfg_rnn_input_part(p, w, bias, xt, in_n, k) +
                                      tfg_rnn_recurrent_part(p, r, rbias, h8, hn, k));
      /* ONNX gate order i, o, f, c */
      for (int32_t j = 0; j < hn; ++j) {
        const int32_t ig = tfg_rnn_act_s16(sig, gates[j]);
        const int32_t og = tfg_rnn_act_s16(sig, gates[hn + j]);
        const int32_t fg = tfg_rnn_act_s16(sig, gates[2 * hn + j]);
        const int32_t cand = tfg_rnn_act_s16(tanh_t, gates[3 * hn + j]);
        c16[j] = (int16_t)tfg_sat16(tfg_rdbpot(fg * (int32_t)c16[j], 15) + tfg_rdbpot(ig * cand, 19));
        const int32_t tc = tfg_rnn_act_s16(tanh_t, tfg_sat16((int32_t)c16[j] * 2));
        h8[j] = (int8_t)tfg_sat8(tfg_requantize(og * tc, p->out_multiplier, p->out_shift) + p->h_zero_point);
      }
      if (g->sequence_output) memcpy(out + ((size_t)t * (size_t)batch + (size_t)b) * (size_t)hn, h8, (size_t)hn);
    }
    if (!g->sequence_output) memcpy(out + (size_t)b * (size_t)hn, h8, (size_t)hn);
  }
  return TFG_OK;
}

int32_t tfg_lstm_s8_scratch_bytes(const tfg_rnn_geom *g) { return 11 * g->hidden; }
