/* tfg_dense_f32_b1: float fully-connected layer with 1-bit weights (±alpha[o]): adds or subtracts each input by its sign
 * bit, then scales once per output (BinaryConnect deployment). The bits are read a word at a time (rows need not start
 * on a word boundary): one load and one shift per weight instead of an index computation, and the sign is applied by
 * flipping the float's sign bit (no branch), four weights per loop iteration. */
#include "tfg_binary.h"

tfg_status tfg_dense_f32_b1(int32_t batch, int32_t in_n, int32_t out_n, const float *in, const uint32_t *bits,
                            const float *alpha, const float *bias, float act_min, float act_max, float *out) {
  for (int32_t b = 0; b < batch; ++b) {
    const float *x = in + (size_t)b * (size_t)in_n;
    for (int32_t o = 0; o < out_n; ++o) {
      size_t j = (size_t)o * (size_t)in_n; /* flat index of the row's first weight */
      float neg = 0.0f;                    /* −Σ ±x: a set bit (+) flips the sign, see tfg_f32_negate_if */
      int32_t i = 0;
      while (i < in_n) {
        uint32_t word = bits[j >> 5] >> (j & 31u);
        int32_t n = 32 - (int32_t)(j & 31u); /* bits left in this word */
        if (n > in_n - i) n = in_n - i;
        const int32_t end = i + n;
        for (; i + 4 <= end; i += 4) { /* same order as one at a time: the sum is identical */
          neg += tfg_f32_negate_if(x[i], word & 1u);
          word >>= 1;
          neg += tfg_f32_negate_if(x[i + 1], word & 1u);
          word >>= 1;
          neg += tfg_f32_negate_if(x[i + 2], word & 1u);
          word >>= 1;
          neg += tfg_f32_negate_if(x[i + 3], word & 1u);
          word >>= 1;
        }
        for (; i < end; ++i, word >>= 1) neg += tfg_f32_negate_if(x[i], word & 1u);
        j += (size_t)n;
      }
      float acc = -neg; /* exact: rounding to nearest is symmetric */
      acc *= alpha[o];
      if (bias) acc += bias[o];
      out[(size_t)b * (size_t)out_n + (size_t)o] = tfg_clamp_f32(acc, act_min, act_max);
    }
  }
  return TFG_OK;
}
