/* tfg_gru_f32_step: the float GRU of tfg_gru_f32 continued from a state the caller keeps between calls (the streaming
 * form: one feature frame per call). The arithmetic is tfg_gru_f32's, expression for expression, so T calls of one
 * step give the bits one call over T steps gives. Scratch: four rows of hidden floats (z, r, r⊙h, the candidate's
 * recurrent part). */
#include <math.h>
#include <string.h>
#include "tfg_support.h"

static float rnn_dot_f32(const float *row, const float *v, int32_t n) {
  float acc = 0.0f;
  for (int32_t k = 0; k < n; ++k) acc += row[k] * v[k];
  return acc;
}

static float rnn_sigmoid_f32(float v) { return 1.0f / (1.0f + expf(-v)); }

tfg_status tfg_gru_f32_step(const tfg_rnn_geom *g, int32_t linear_before_reset, const float *x, const float *w,
                            const float *r, const float *bias, float *state, float *out, void *scratch,
                            int32_t scratch_bytes) {
  if (scratch_bytes < tfg_gru_f32_step_scratch_bytes(g) || g->reverse) return TFG_ERR_ARG;
  const int32_t hn = g->hidden, in_n = g->in_n, steps = g->steps, batch = g->batch;
  float *const z = (float *)scratch, *const rg = z + hn, *const rh = rg + hn, *const hr = rh + hn;
  const float *const wb = bias, *const rb = bias ? bias + 3 * hn : NULL;
  for (int32_t b = 0; b < batch; ++b) {
    float *const h = state + (size_t)b * (size_t)hn;
    for (int32_t t = 0; t < steps; ++t) {
      const float *const xt = x + ((size_t)t * (size_t)batch + (size_t)b) * (size_t)in_n;
      for (int32_t j = 0; j < hn; ++j) {
        float pz = rnn_dot_f32(w + (size_t)j * (size_t)in_n, xt, in_n) + rnn_dot_f32(r + (size_t)j * (size_t)hn, h, hn);
        float pr = rnn_dot_f32(w + (size_t)(hn + j) * (size_t)in_n, xt, in_n) +
                   rnn_dot_f32(r + (size_t)(hn + j) * (size_t)hn, h, hn);
        if (bias) {
          pz += wb[j];
          pz += rb[j];
          pr += wb[hn + j];
          pr += rb[hn + j];
        }
        z[j] = rnn_sigmoid_f32(pz);
        rg[j] = rnn_sigmoid_f32(pr);
      }
      for (int32_t k = 0; k < hn; ++k) rh[k] = rg[k] * h[k];
      /* the candidate's recurrent part, for every unit before h changes */
      for (int32_t j = 0; j < hn; ++j) {
        const float *const row = r + (size_t)(2 * hn + j) * (size_t)hn;
        const float rbh = bias ? rb[2 * hn + j] : 0.0f;
        if (linear_before_reset) {
          float s = rnn_dot_f32(row, h, hn);
          s += rbh;
          hr[j] = rg[j] * s;
        } else {
          float s = rnn_dot_f32(row, rh, hn);
          s += rbh;
          hr[j] = s;
        }
      }
      for (int32_t j = 0; j < hn; ++j) {
        float gx = rnn_dot_f32(w + (size_t)(2 * hn + j) * (size_t)in_n, xt, in_n);
        if (bias) gx += wb[2 * hn + j];
        const float cand = tanhf(gx + hr[j]);
        const float keep = z[j] * h[j];
        h[j] = (1.0f - z[j]) * cand + keep;
      }
      if (g->sequence_output)
        memcpy(out + ((size_t)t * (size_t)batch + (size_t)b) * (size_t)hn, h, (size_t)hn * sizeof(float));
    }
    if (!g->sequence_output) memcpy(out + (size_t)b * (size_t)hn, h, (size_t)hn * sizeof(float));
  }
  return TFG_OK;
}

int32_t tfg_gru_f32_step_scratch_bytes(const tfg_rnn_geom *g) { return 4 * g->hidden * (int32_t)sizeof(float); }
