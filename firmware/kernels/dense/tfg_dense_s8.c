/* tfg_dense_s8: reference int8 fully-connected layer (TFLite FullyConnected, per-channel requantization); portable C, and
 * the kernel of the cores without the DSP extension: two rows per pass over the input (tfg_dot2_ref_s8). */
#include "tfg_support.h"

static inline int8_t tfg_dense_ref_out(const tfg_s8_channel_quant *q, int32_t acc, int32_t o) {
  acc = tfg_requantize(acc, q->multiplier[o], q->shift[o]) + q->output_offset;
  return (int8_t)tfg_clamp_i32(acc, q->act_min, q->act_max);
}

tfg_status tfg_dense_s8(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_channel_quant *q, const int8_t *in,
                        const int8_t *w, const int32_t *bias, int8_t *out) {
  for (int32_t b = 0; b < batch; ++b) {
    const int8_t *x = in + (size_t)b * (size_t)in_n;
    int8_t *y = out + (size_t)b * (size_t)out_n;
    for (int32_t o = 0; o < out_n; o += 2) { /* two rows share each input load; an odd last row runs twice */
      const int32_t pair = o + 1 < out_n;
      const int8_t *row = w + (size_t)o * (size_t)in_n;
      int32_t acc0 = 0, acc1 = 0;
      tfg_dot2_ref_s8(x, row, pair ? row + in_n : row, in_n, q->input_offset, &acc0, &acc1);
      y[o] = tfg_dense_ref_out(q, acc0 + (bias ? bias[o] : 0), o);
      if (pair) y[o + 1] = tfg_dense_ref_out(q, acc1 + (bias ? bias[o + 1] : 0), o + 1);
    }
  }
  return TFG_OK;
}
