/* tfg_gru_s8_dsp: tfg_gru_s8 with Cortex-M DSP SMLAD dot products (tfg_dot2_s8, portable C off Cortex-M), the same
 * bytes. Scratch: as tfg_gru_s8. */
#include "tfg_dsp.h"
#include "tfg_rnn_s8.h"

tfg_status tfg_gru_s8_dsp(const tfg_rnn_geom *g, int32_t linear_before_reset, const tfg_rnn_s8_params *p,
                          const int8_t *x, const int8_t *w, const int8_t *r, const int32_t *bias,
                          const int8_t *initial_h, int8_t *out, void *scratch, int32_t scratch_bytes) {
  if (scratch_bytes < tfg_gru_s8_scratch(g)) return TFG_ERR_ARG;
  return tfg_gru_s8_run(tfg_dot2_s8, g, linear_before_reset, p, x, w, r, bias, initial_h, out, scratch);
}

int32_t tfg_gru_s8_dsp_scratch_bytes(const tfg_rnn_geom *g) { return tfg_gru_s8_scratch(g); }
