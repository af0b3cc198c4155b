/* tfg_dense_s8_b1: int8 fully-connected layer with 1-bit weights (±magnitude[o] int8 values): bit-exact with tfg_dense_s8
 * on the same ±magnitude weights, with one multiply per output instead of one per weight. */
#include "tfg_support.h"

tfg_status tfg_dense_s8_b1(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_channel_quant *q, const int8_t *in,
                           const uint32_t *bits, const int32_t *magnitude, const int32_t *bias, int8_t *out) {
  for (int32_t b = 0; b < batch; ++b) {
    const int8_t *x = in + (size_t)b * (size_t)in_n;
    for (int32_t o = 0; o < out_n; ++o) {
      const size_t row = (size_t)o * (size_t)in_n;
      int32_t acc = 0;
      for (int32_t i = 0; i < in_n; ++i) {
        const size_t j = row + (size_t)i;
        const int32_t xv = (int32_t)x[i] + q->input_offset;
        acc += ((bits[j >> 5] >> (j & 31u)) & 1u) ? xv : -xv;
      }
      acc *= magnitude[o]; /* Σ (x+off)·(±m) = m·Σ ±(x+off): exact in integers */
      if (bias) acc += bias[o];
      acc = tfg_requantize(acc, q->multiplier[o], q->shift[o]) + q->output_offset;
      out[(size_t)b * (size_t)out_n + (size_t)o] = (int8_t)tfg_clamp_i32(acc, q->act_min, q->act_max);
    }
  }
  return TFG_OK;
}
