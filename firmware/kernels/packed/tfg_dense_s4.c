/* tfg_dense_s4: int8 fully-connected layer whose weights are 4-bit (two per byte): same arithmetic as tfg_dense_s8. */
#include "tfg_support.h"

/* Weight j of the flattened [out,in] matrix: low nibble of byte j/2 when j is even, high nibble when odd, sign-extended. */
static inline int32_t tfg_s4_at(const uint8_t *w, size_t j) {
  const int32_t v = (int32_t)((w[j >> 1] >> ((j & 1u) * 4u)) & 0x0Fu);
  return v >= 8 ? v - 16 : v;
}

tfg_status tfg_dense_s4(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_channel_quant *q, const int8_t *in,
                        const uint8_t *w, const int32_t *bias, int8_t *out) {
  for (int32_t b = 0; b < batch; ++b) {
    const int8_t *x = in + (size_t)b * (size_t)in_n;
    for (int32_t o = 0; o < out_n; ++o) {
      const size_t row = (size_t)o * (size_t)in_n;
      int32_t acc = 0;
      for (int32_t i = 0; i < in_n; ++i) acc += ((int32_t)x[i] + q->input_offset) * tfg_s4_at(w, row + (size_t)i);
      if (bias) acc += bias[o];
      acc = tfg_requantize(acc, q->multiplier[o], q->shift[o]) + q->output_offset;
      out[(size_t)b * (size_t)out_n + (size_t)o] = (int8_t)tfg_clamp_i32(acc, q->act_min, q->act_max);
    }
  }
  return TFG_OK;
}
