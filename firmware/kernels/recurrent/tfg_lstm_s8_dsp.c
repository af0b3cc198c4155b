/* tfg_lstm_s8_dsp: tfg_lstm_s8 with Cortex-M DSP SMLAD dot products (tfg_dot2_s8, portable C off Cortex-M), the same
 * bytes. Scratch: as tfg_lstm_s8. */
#include "tfg_dsp.h"
#include "tfg_rnn_s8.h"

tfg_status tfg_lstm_s8_dsp(const tfg_rnn_geom *g, const tfg_rnn_s8_params *p, const int8_t *x, const int8_t *w,
                           const int8_t *r, const int32_t *bias, const int8_t *initial_h, const int8_t *initial_c,
                           int8_t *out, void *scratch, int32_t scratch_bytes) {
  if (scratch_bytes < tfg_lstm_s8_scratch(g)) return TFG_ERR_ARG;
  return tfg_lstm_s8_run(tfg_dot2_s8, g, p, x, w, r, bias, initial_h, initial_c, out, scratch);
}

int32_t tfg_lstm_s8_dsp_scratch_bytes(const tfg_rnn_geom *g) { return tfg_lstm_s8_scratch(g); }
