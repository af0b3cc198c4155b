/* tfg_dense_s8_dsp: int8 fully-connected layer with Cortex-M DSP SMLAD, two output rows per pass sharing the input
 * loads; bit-exact with tfg_dense_s8 (integer sums in another order are the same sums). */
#include "tfg_support.h"

static inline int8_t tfg_dense_out(const tfg_s8_channel_quant *q, int32_t acc, int32_t o) {
  acc = tfg_requantize(acc, q->multiplier[o], q->shift[o]) + q->output_offset;
  return (int8_t)tfg_clamp_i32(acc, q->act_min, q->act_max);
}

tfg_status tfg_dense_s8_dsp(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_channel_quant *q, const int8_t *in,
                            const int8_t *w, const int32_t *bias, int8_t *out) {
  for (int32_t b = 0; b < batch; ++b) {
    const int8_t *x = in + (size_t)b * (size_t)in_n;
    int8_t *y = out + (size_t)b * (size_t)out_n;
    int32_t o = 0;
    for (; o + 2 <= out_n; o += 2) {
      const int8_t *w0 = w + (size_t)o * (size_t)in_n;
      int32_t acc0 = bias ? bias[o] : 0;
      int32_t acc1 = bias ? bias[o + 1] : 0;
      tfg_dot2_s8(x, w0, w0 + in_n, in_n, q->input_offset, &acc0, &acc1);
      y[o] = tfg_dense_out(q, acc0, o);
      y[o + 1] = tfg_dense_out(q, acc1, o + 1);
    }
    if (o < out_n) {
      const int32_t acc = tfg_dot1_s8(x, w + (size_t)o * (size_t)in_n, in_n, q->input_offset, bias ? bias[o] : 0);
      y[o] = tfg_dense_out(q, acc, o);
    }
  }
  return TFG_OK;
}
