/* The arithmetic tfg_gru_s8 and tfg_lstm_s8 share (src/reference/int8/recurrent.ts gives it in full): gate rows rescaled
 * to int16 Q3.12, and the int16 sigmoid/tanh tables (input Q3.12, output Q0.15) with linear interpolation. */
#ifndef TFG_RNN_S8_H
#define TFG_RNN_S8_H

#include "tfg_support.h"

static inline int32_t tfg_sat16(int32_t v) { return tfg_clamp_i32(v, -32768, 32767); }
static inline int32_t tfg_sat8(int32_t v) { return tfg_clamp_i32(v, -128, 127); }

/* T at the Q3.12 input q, interpolated between T[u >> 8] and T[(u >> 8) + 1] by (u & 255) / 256 (u = q + 32768),
 * computed on non-negative values so the shift rounds half up in every case (activate16 in the reference). */
static inline int32_t tfg_rnn_act_s16(const int16_t *table, int32_t q) {
  const int32_t u = q + 32768, i = u >> 8, f = u & 255;
  return ((((int32_t)table[i] + 32768) * (256 - f) + ((int32_t)table[i + 1] + 32768) * f + 128) >> 8) - 32768;
}

/* sat16(requantize(Σ_k row[k]·(v[k] + offset) + bias, multiplier, shift)): one gate row's part, Q3.12. */
static inline int32_t tfg_rnn_gate_s16(const int8_t *row, const int8_t *v, int32_t n, int32_t offset, int32_t bias,
                                       int32_t multiplier, int32_t shift) {
  int32_t acc = bias;
  for (int32_t k = 0; k < n; ++k) acc += (int32_t)row[k] * ((int32_t)v[k] + offset);
  return tfg_sat16(tfg_requantize(acc, multiplier, shift));
}

/* The input-to-gate part of gate row g (W·(x − zp_x) + Wb) and the recurrent part on the int8 vector v (R·(v − zp_h) + Rb). */
static inline int32_t tfg_rnn_input_part(const tfg_rnn_s8_params *p, const int8_t *w, const int32_t *bias,
                                         const int8_t *xt, int32_t in_n, int32_t g) {
  return tfg_rnn_gate_s16(w + (size_t)g * (size_t)in_n, xt, in_n, p->x_offset, bias ? bias[g] : 0, p->w_multiplier[g],
                          p->w_shift[g]);
}
static inline int32_t tfg_rnn_recurrent_part(const tfg_rnn_s8_params *p, const int8_t *r, const int32_t *rbias,
                                             const int8_t *v, int32_t hn, int32_t g) {
  return tfg_rnn_gate_s16(r + (size_t)g * (size_t)hn, v, hn, p->h_offset, rbias ? rbias[g] : 0, p->r_multiplier[g],
                          p->r_shift[g]);
}

#endif /* TFG_RNN_S8_H */
