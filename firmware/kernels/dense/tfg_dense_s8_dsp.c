/* tfg_dense_s8_dsp: int8 fully-connected layer with Cortex-M DSP SMLAD. The input offset is folded at compile time:
 * Σ (x + off)·w = Σ x·w + off·Σ w, so `bias` here is codegen's folded bias (bias + input_offset·Σ_i w[o,i]) and the
 * inner loop is pure SXTB16 + SMLAD, four output rows per pass sharing the input loads. Exact integer sums in another
 * order, so bit-exact with tfg_dense_s8. */
#include "tfg_support.h"

static inline int8_t tfg_dense_out(const tfg_s8_channel_quant *q, int32_t acc, int32_t o) {
  acc = tfg_requantize(acc, q->multiplier[o], q->shift[o]) + q->output_offset;
  return (int8_t)tfg_clamp_i32(acc, q->act_min, q->act_max);
}

tfg_status tfg_dense_s8_dsp(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_channel_quant *q, const int8_t *in,
                            const int8_t *w, const int32_t *folded_bias, int8_t *out) {
  for (int32_t b = 0; b < batch; ++b) {
    const int8_t *x = in + (size_t)b * (size_t)in_n;
    int8_t *y = out + (size_t)b * (size_t)out_n;
    int32_t o = 0;
    for (; o + 4 <= out_n; o += 4) {
      int32_t acc[4] = {folded_bias[o], folded_bias[o + 1], folded_bias[o + 2], folded_bias[o + 3]};
      tfg_dot4_s8_nooffset(x, w + (size_t)o * (size_t)in_n, (size_t)in_n, in_n, acc);
      for (int32_t k = 0; k < 4; ++k) y[o + k] = tfg_dense_out(q, acc[k], o + k);
    }
    for (; o < out_n; ++o) { /* at most three rows left */
      const int32_t acc = tfg_dot1_s8(x, w + (size_t)o * (size_t)in_n, in_n, 0, folded_bias[o]);
      y[o] = tfg_dense_out(q, acc, o);
    }
  }
  return TFG_OK;
}
