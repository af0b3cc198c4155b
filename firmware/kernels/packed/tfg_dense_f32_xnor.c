/* tfg_dense_f32_xnor: float fully-connected layer with binarized inputs and 1-bit weights (XNOR-Net / BNN). The input
 * signs (x ≥ 0 → 1) are packed 32 per word once; each output is then dot = N − 2·popcount(w XOR a) over whole words,
 * scaled by alpha[o] (one float rounding: dot is exact) and biased in float, which equals the reference
 * (src/reference/float/dense.ts, binarizeInput) bit for bit. Weight rows start on a word boundary; padding bits are 0
 * in both operands. */
#include "tfg_binary.h"

tfg_status tfg_dense_f32_xnor(int32_t batch, int32_t in_n, int32_t out_n, const float *in, const uint32_t *bits,
                              const float *alpha, const float *bias, float act_min, float act_max, float *out,
                              void *scratch, int32_t scratch_bytes) {
  const int32_t words = (in_n + 31) / 32;
  uint32_t *const a = (uint32_t *)scratch; /* the input's sign bits */
  if (words > TFG_XNOR_WORDS_MAX) return TFG_ERR_CORRUPT;
  if (scratch_bytes < tfg_dense_f32_xnor_scratch_bytes(in_n)) return TFG_ERR_ARG;
  for (int32_t b = 0; b < batch; ++b) {
    const float *x = in + (size_t)b * (size_t)in_n;
    tfg_pack_signs(x, in_n, a);
    for (int32_t o = 0; o < out_n; ++o) {
      const uint32_t *w = bits + (size_t)o * (size_t)words;
      uint32_t mismatches = 0;
      for (int32_t j = 0; j < words; ++j) mismatches += tfg_popcount32(w[j] ^ a[j]);
      const int32_t dot = in_n - 2 * (int32_t)mismatches;
      volatile float v = (float)dot * alpha[o]; /* volatile: never fused into an FMA with the add */
      if (bias) v += bias[o];
      out[(size_t)b * (size_t)out_n + (size_t)o] = tfg_clamp_f32(v, act_min, act_max);
    }
  }
  return TFG_OK;
}

int32_t tfg_dense_f32_xnor_scratch_bytes(int32_t in_n) { return 4 * ((in_n + 31) / 32); }
