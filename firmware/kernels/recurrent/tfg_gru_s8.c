/* tfg_gru_s8: int8 GRU (ONNX semantics, one direction) with an int16 hidden state, unrolled over the time steps; the
 * arithmetic of gruInt8 in src/reference/int8/recurrent.ts, byte for byte. The state (h16, then its int8 copy h8) sits
 * at the start of the scratch, then one step's gates. Scratch: 10·hidden bytes. */
#include <string.h>
#include "tfg_rnn_s8.h"

static int8_t gru_h8(const tfg_rnn_s8_params *p, int32_t h16) {
  return (int8_t)tfg_sat8(tfg_requantize(h16, p->out_multiplier, p->out_shift) + p->h_zero_point);
}

tfg_status tfg_gru_s8(const tfg_rnn_geom *g, int32_t linear_before_reset, const tfg_rnn_s8_params *p, const int8_t *x,
                      const int8_t *w, const int8_t *r, const int32_t *bias, const int8_t *initial_h, int8_t *out,
                      void *scratch, int32_t scratch_bytes) {
  if (scratch_bytes < tfg_gru_s8_scratch_bytes(g)) return TFG_ERR_ARG;
  const int32_t hn = g->hidden, in_n = g->in_n, steps = g->steps, batch = g->batch;
  int16_t *const h16 = (int16_t *)scratch, *const z = h16 + hn, *const rg = z + hn, *const hr = rg + hn;
  int8_t *const h8 = (int8_t *)(hr + hn), *const rh8 = h8 + hn;
  const int32_t *const rbias = bias ? bias + 3 * hn : NULL;
  const int16_t *const sig = p->sigmoid_table, *const tanh_t = p->tanh_table;
  for (int32_t b = 0; b < batch; ++b) {
    for (int32_t j = 0; j < hn; ++j) {
      h16[j] = (int16_t)(initial_h ? tfg_sat16(tfg_requantize((int32_t)initial_h[b * hn + j] + p->h0_offset,
                                                              p->h0_multiplier, p->h0_shift))
                                   : 0);
      h8[j] = gru_h8(p, h16[j]);
    }
    for (int32_t i = 0; i < steps; ++i) {
      const int32_t t = g->reverse ? steps - 1 - i : i;
      const int8_t *const xt = x + ((size_t)t * (size_t)batch + (size_t)b) * (size_t)in_n;
      for (int32_t j = 0; j < hn; ++j) {
        z[j] = (int16_t)tfg_rnn_act_s16(sig, tfg_sat16(tfg_rnn_input_part(p, w, bias, xt, in_n, j) +
                                                       tfg_rnn_recurrent_part(p, r, rbias, h8, hn, j)));
        rg[j] = (int16_t)tfg_rnn_act_s16(sig, tfg_sat16(tfg_rnn_input_part(p, w, bias, xt, in_n, hn + j) +
                                                        tfg_rnn_recurrent_part(p, r, rbias, h8, hn, hn + j)));
      }
      if (linear_before_reset) {
        for (int32_t j = 0; j < hn; ++j)
          hr[j] = (int16_t)tfg_rdbpot((int32_t)rg[j] * tfg_rnn_recurrent_part(p, r, rbias, h8, hn, 2 * hn + j), 15);
      } else {
        for (int32_t k = 0; k < hn; ++k)
          rh8[k] = (int8_t)tfg_sat8(tfg_requantize((int32_t)rg[k] * (int32_t)h16[k], p->rh_multiplier, p->rh_shift) +
                                    p->h_zero_point);
        for (int32_t j = 0; j < hn; ++j) hr[j] = (int16_t)tfg_rnn_recurrent_part(p, r, rbias, rh8, hn, 2 * hn + j);
      }
      for (int32_t j = 0; j < hn; ++j) {
        const int32_t cand =
            tfg_rnn_act_s16(tanh_t, tfg_sat16(tfg_rnn_input_part(p, w, bias, xt, in_n, 2 * hn + j) + hr[j]));
        const int32_t keep = 32768 - z[j];
        h16[j] = (int16_t)tfg_sat16(
            tfg_rdbpot(keep * tfg_rdbpot(cand, p->state_int_bits) + (int32_t)z[j] * (int32_t)h16[j], 15));
        h8[j] = gru_h8(p, h16[j]);
      }
      if (g->sequence_output) memcpy(out + ((size_t)t * (size_t)batch + (size_t)b) * (size_t)hn, h8, (size_t)hn);
    }
    if (!g->sequence_output) memcpy(out + (size_t)b * (size_t)hn, h8, (size_t)hn);
  }
  return TFG_OK;
}

int32_t tfg_gru_s8_scratch_bytes(const tfg_rnn_geom *g) { return 10 * g->hidden; }
