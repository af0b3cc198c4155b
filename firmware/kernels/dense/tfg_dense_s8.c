/* tfg_dense_s8: reference int8 fully-connected layer (TFLite FullyConnected, per-channel requantization). */
#include "tfg_support.h"

tfg_status tfg_dense_s8(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_channel_quant *q, const int8_t *in,
                        const int8_t *w, const int32_t *bias, int8_t *out) {
  for (int32_t b = 0; b < batch; ++b) {
    const int8_t *x = in + (size_t)b * (size_t)in_n;
    for (int32_t o = 0; o < out_n; ++o) {
      const int8_t *row = w + (size_t)o * (size_t)in_n;
      int32_t acc = 0;
      for (int32_t i = 0; i < in_n; ++i) acc += ((int32_t)x[i] + q->input_offset) * (int32_t)row[i];
      if (bias) acc += bias[o];
      acc = tfg_requantize(acc, q->multiplier[o], q->shift[o]) + q->output_offset;
      out[(size_t)b * (size_t)out_n + (size_t)o] = (int8_t)tfg_clamp_i32(acc, q->act_min, q->act_max);
    }
  }
  return TFG_OK;
}
