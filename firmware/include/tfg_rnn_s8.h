/* The arithmetic tfg_gru_s8 and tfg_lstm_s8 share (src/reference/int8/recurrent.ts gives it in full): gate rows rescaled
 * to int16 Q3.12, and the int16 sigmoid/tanh tables (input Q3.12, output Q0.15) with linear interpolation. */
#ifndef TFG_RNN_S8_H
#define TFG_RNN_S8_H

#include "tfg_kernels.h"
#include "tfg_support.h"

static inline int32_t tfg_sat16(int32_t v) { return tfg_clamp_i32(v, -32768, 32767); }
static inline int32_t tfg_sat8(int32_t v) { return tfg_clamp_i32(v, -128, 127); }
/* The hidden vector into the output (a loop: these kernels build without libc). */
static inline void tfg_rnn_copy_s8(int8_t *dst, const int8_t *src, int32_t n) {
  for (int32_t k = 0; k < n; ++k) dst[k] = src[k];
}

/* T at the Q3.12 input q, interpolated between T[u >> 8] and T[(u >> 8) + 1] by (u & 255) / 256 (u = q + 32768),
 * computed on non-negative values so the shift rounds half up in every case (activate16 in the reference). */
static inline int32_t tfg_rnn_act_s16(const int16_t *table, int32_t q) {
  const int32_t u = q + 32768, i = u >> 8, f = u & 255;
  return ((((int32_t)table[i] + 32768) * (256 - f) + ((int32_t)table[i + 1] + 32768) * f + 128) >> 8) - 32768;
}

/* The scratch starts with the layer's state, contiguous: the int16 vector (GRU h16, LSTM c16) and the int8 hidden
 * vector h8, padded to an even size; one step's W·x and R·h gate parts (int16) follow, then for the GRU r⊙h (int8). */
static inline int32_t tfg_rnn_s8_state_bytes(const tfg_rnn_geom *g) { return 2 * g->hidden + ((g->hidden + 1) & ~1); }
static inline int32_t tfg_gru_s8_scratch(const tfg_rnn_geom *g) { return tfg_rnn_s8_state_bytes(g) + 13 * g->hidden; }
static inline int32_t tfg_lstm_s8_scratch(const tfg_rnn_geom *g) { return tfg_rnn_s8_state_bytes(g) + 16 * g->hidden; }

/* Two dot products sharing one int8 vector, acc_a += Σ (x[i] + offset)·wa[i] and likewise acc_b: tfg_dot2_ref_s8 for
 * the reference kernels, tfg_dot2_s8 (SMLAD) for the _dsp ones. Integer sums: both give the same bytes. */
typedef void (*tfg_rnn_dot2_fn)(const int8_t *x, const int8_t *wa, const int8_t *wb, int32_t n, int32_t offset,
                                int32_t *acc_a, int32_t *acc_b);

/* out[g] = sat16(requantize(Σ_k m[g, k]·(v[k] + offset) + bias[g], multiplier[g], shift[g])) for g < rows: one gate
 * part (W·x or R·h) of each row in Q3.12, two rows per pass sharing each load of v. bias NULL: 0. */
static inline void tfg_rnn_rows_s16(tfg_rnn_dot2_fn dot2, const int8_t *m, int32_t rows, int32_t n, const int8_t *v,
                                    int32_t offset, const int32_t *bias, const int32_t *multiplier,
                                    const int32_t *shift, int16_t *out) {
  int32_t g = 0;
  for (; g + 2 <= rows; g += 2) {
    int32_t a = bias ? bias[g] : 0, b = bias ? bias[g + 1] : 0;
    dot2(v, m + (size_t)g * (size_t)n, m + (size_t)(g + 1) * (size_t)n, n, offset, &a, &b);
    out[g] = (int16_t)tfg_sat16(tfg_requantize(a, multiplier[g], shift[g]));
    out[g + 1] = (int16_t)tfg_sat16(tfg_requantize(b, multiplier[g + 1], shift[g + 1]));
  }
  if (g < rows) {
    int32_t a = bias ? bias[g] : 0;
    const int8_t *const row = m + (size_t)g * (size_t)n;
    for (int32_t k = 0; k < n; ++k) a += (int32_t)row[k] * ((int32_t)v[k] + offset);
    out[g] = (int16_t)tfg_sat16(tfg_requantize(a, multiplier[g], shift[g]));
  }
}

/* The GRU of tfg_gru_s8 / tfg_gru_s8_dsp (see tfg_kernels.h): the state h16 and its int8 copy h8, then one step's gate
 * parts (W·x and R·h of every row in Q3.12) and r⊙h in int8. */
static inline int8_t tfg_gru_h8(const tfg_rnn_s8_params *p, int32_t h16) {
  return (int8_t)tfg_sat8(tfg_requantize(h16, p->out_multiplier, p->out_shift) + p->h_zero_point);
}

static inline tfg_status tfg_gru_s8_run(tfg_rnn_dot2_fn dot2, const tfg_rnn_geom *g, int32_t linear_before_reset,
                                        const tfg_rnn_s8_params *p, const int8_t *x, const int8_t *w, const int8_t *r,
                                        const int32_t *bias, const int8_t *initial_h, int8_t *out, void *scratch) {
  const int32_t hn = g->hidden, in_n = g->in_n, steps = g->steps, batch = g->batch;
  int16_t *const h16 = (int16_t *)scratch;
  int8_t *const h8 = (int8_t *)(h16 + hn);
  int16_t *const gx = (int16_t *)((int8_t *)scratch + tfg_rnn_s8_state_bytes(g)), *const gh = gx + 3 * hn;
  int8_t *const rh8 = (int8_t *)(gh + 3 * hn);
  const int32_t *const rbias = bias ? bias + 3 * hn : NULL;
  const int16_t *const sig = p->sigmoid_table, *const tanh_t = p->tanh_table;
  for (int32_t b = 0; b < batch; ++b) {
    for (int32_t j = 0; j < hn; ++j) {
      h16[j] = (int16_t)(initial_h ? tfg_sat16(tfg_requantize((int32_t)initial_h[b * hn + j] + p->h0_offset,
                                                              p->h0_multiplier, p->h0_shift))
                                   : 0);
      h8[j] = tfg_gru_h8(p, h16[j]);
    }
    for (int32_t i = 0; i < steps; ++i) {
      const int32_t t = g->reverse ? steps - 1 - i : i;
      const int8_t *const xt = x + ((size_t)t * (size_t)batch + (size_t)b) * (size_t)in_n;
      tfg_rnn_rows_s16(dot2, w, 3 * hn, in_n, xt, p->x_offset, bias, p->w_multiplier, p->w_shift, gx);
      tfg_rnn_rows_s16(dot2, r, (linear_before_reset ? 3 : 2) * hn, hn, h8, p->h_offset, rbias, p->r_multiplier,
                       p->r_shift, gh);
      /* z and r replace their pre-activations */
      for (int32_t k = 0; k < 2 * hn; ++k) gx[k] = (int16_t)tfg_rnn_act_s16(sig, tfg_sat16(gx[k] + gh[k]));
      const int16_t *const z = gx, *const rg = gx + hn;
      int16_t *const hr = gh + 2 * hn; /* the candidate's recurrent part, Q3.12 */
      if (linear_before_reset) {
        for (int32_t j = 0; j < hn; ++j) hr[j] = (int16_t)tfg_rdbpot((int32_t)rg[j] * hr[j], 15);
      } else {
        for (int32_t k = 0; k < hn; ++k)
          rh8[k] = (int8_t)tfg_sat8(tfg_requantize((int32_t)rg[k] * (int32_t)h16[k], p->rh_multiplier, p->rh_shift) +
                                    p->h_zero_point);
        tfg_rnn_rows_s16(dot2, r + (size_t)(2 * hn) * (size_t)hn, hn, hn, rh8, p->h_offset,
                         rbias ? rbias + 2 * hn : NULL, p->r_multiplier + 2 * hn, p->r_shift + 2 * hn, hr);
      }
      for (int32_t j = 0; j < hn; ++j) {
        const int32_t cand = tfg_rnn_act_s16(tanh_t, tfg_sat16(gx[2 * hn + j] + hr[j]));
        const int32_t keep = 32768 - z[j];
        h16[j] = (int16_t)tfg_sat16(
            tfg_rdbpot(keep * tfg_rdbpot(cand, p->state_int_bits) + (int32_t)z[j] * (int32_t)h16[j], 15));
        h8[j] = tfg_gru_h8(p, h16[j]);
      }
      if (g->sequence_output) tfg_rnn_copy_s8(out + ((size_t)t * (size_t)batch + (size_t)b) * (size_t)hn, h8, hn);
    }
    if (!g->sequence_output) tfg_rnn_copy_s8(out + (size_t)b * (size_t)hn, h8, hn);
  }
  return TFG_OK;
}

/* The LSTM of tfg_lstm_s8 / tfg_lstm_s8_dsp: the state c16 and h8, then one step's gate parts. */
static inline tfg_status tfg_lstm_s8_run(tfg_rnn_dot2_fn dot2, const tfg_rnn_geom *g, const tfg_rnn_s8_params *p,
                                         const int8_t *x, const int8_t *w, const int8_t *r, const int32_t *bias,
                                         const int8_t *initial_h, const int8_t *initial_c, int8_t *out, void *scratch) {
  const int32_t hn = g->hidden, in_n = g->in_n, steps = g->steps, batch = g->batch;
  int16_t *const c16 = (int16_t *)scratch;
  int8_t *const h8 = (int8_t *)(c16 + hn);
  int16_t *const gx = (int16_t *)((int8_t *)scratch + tfg_rnn_s8_state_bytes(g)), *const gh = gx + 4 * hn;
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
      tfg_rnn_rows_s16(dot2, w, 4 * hn, in_n, xt, p->x_offset, bias, p->w_multiplier, p->w_shift, gx);
      tfg_rnn_rows_s16(dot2, r, 4 * hn, hn, h8, p->h_offset, rbias, p->r_multiplier, p->r_shift, gh);
      /* ONNX gate order i, o, f, c */
      for (int32_t j = 0; j < hn; ++j) {
        const int32_t ig = tfg_rnn_act_s16(sig, tfg_sat16(gx[j] + gh[j]));
        const int32_t og = tfg_rnn_act_s16(sig, tfg_sat16(gx[hn + j] + gh[hn + j]));
        const int32_t fg = tfg_rnn_act_s16(sig, tfg_sat16(gx[2 * hn + j] + gh[2 * hn + j]));
        const int32_t cand = tfg_rnn_act_s16(tanh_t, tfg_sat16(gx[3 * hn + j] + gh[3 * hn + j]));
        /* Q0.15·Q4.11 → Q4.11 (15 bits) and Q0.30 → Q4.11 (19 bits); tanh reads the cell as Q3.12 (×2) */
        c16[j] = (int16_t)tfg_sat16(tfg_rdbpot(fg * (int32_t)c16[j], 15) + tfg_rdbpot(ig * cand, 19));
        const int32_t tc = tfg_rnn_act_s16(tanh_t, tfg_sat16((int32_t)c16[j] * 2));
        h8[j] = (int8_t)tfg_sat8(tfg_requantize(og * tc, p->out_multiplier, p->out_shift) + p->h_zero_point);
      }
      if (g->sequence_output) tfg_rnn_copy_s8(out + ((size_t)t * (size_t)batch + (size_t)b) * (size_t)hn, h8, hn);
    }
    if (!g->sequence_output) tfg_rnn_copy_s8(out + (size_t)b * (size_t)hn, h8, hn);
  }
  return TFG_OK;
}

#endif /* TFG_RNN_S8_H */
