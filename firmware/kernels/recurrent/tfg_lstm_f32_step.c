/* tfg_lstm_f32_step: the float LSTM of tfg_lstm_f32 continued from a hidden and cell state the caller keeps between
 * calls (the streaming form). The arithmetic is tfg_lstm_f32's, expression for expression, so T calls of one step
 * give the bits one call over T steps gives. Scratch: one step's four gate rows of hidden floats (i, o, f, c). */
#include <math.h>
#include <string.h>
#include "tfg_support.h"

static float rnn_dot_f32(const float *row, const float *v, int32_t n) {
  float acc = 0.0f;
  for (int32_t k = 0; k < n; ++k) acc += row[k] * v[k];
  return acc;
}

static float rnn_sigmoid_f32(float v) { return 1.0f / (1.0f + expf(-v)); }

tfg_status tfg_lstm_f32_step(const tfg_rnn_geom *g, const float *x, const float *w, const float *r, const float *bias,
                             float *state, float *out, void *scratch, int32_t scratch_bytes) {
  if (scratch_bytes < tfg_lstm_f32_step_scratch_bytes(g) || g->reverse) return TFG_ERR_ARG;
  const int32_t hn = g->hidden, in_n = g->in_n, steps = g->steps, batch = g->batch;
  float *const pre = (float *)scratch;
  for (int32_t b = 0; b < batch; ++b) {
    float *const h = state + (size_t)b * (size_t)hn, *const c = state + (size_t)(batch + b) * (size_t)hn;
    for (int32_t t = 0; t < steps; ++t) {
      const float *const xt = x + ((size_t)t * (size_t)batch + (size_t)b) * (size_t)in_n;
      for (int32_t j = 0; j < 4 * hn; ++j) {
        float p = rnn_dot_f32(w + (size_t)j * (size_t)in_n, xt, in_n) + rnn_dot_f32(r + (size_t)j * (size_t)hn, h, hn);
        if (bias) {
          p += bias[j];
          p += bias[4 * hn + j];
        }
        pre[j] = p;
      }
      /* ONNX gate order i, o, f, c */
      for (int32_t j = 0; j < hn; ++j) {
        const float ig = rnn_sigmoid_f32(pre[j]), og = rnn_sigmoid_f32(pre[hn + j]);
        const float fg = rnn_sigmoid_f32(pre[2 * hn + j]), cand = tanhf(pre[3 * hn + j]);
        const float kept = fg * c[j];
        c[j] = kept + ig * cand;
        h[j] = og * tanhf(c[j]);
      }
      if (g->sequence_output)
        memcpy(out + ((size_t)t * (size_t)batch + (size_t)b) * (size_t)hn, h, (size_t)hn * sizeof(float));
    }
    if (!g->sequence_output) memcpy(out + (size_t)b * (size_t)hn, h, (size_t)hn * sizeof(float));
  }
  return TFG_OK;
}

int32_t tfg_lstm_f32_step_scratch_bytes(const tfg_rnn_geom *g) { return 4 * g->hidden * (int32_t)sizeof(float); }
