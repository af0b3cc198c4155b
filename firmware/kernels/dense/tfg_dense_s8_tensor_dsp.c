/* tfg_dense_s8_tensor_dsp: tfg_dense_s8_dsp for per-tensor requantization. The input vector is widened once into
 * scratch (per group of four inputs its two SXTB16 halves, the pairing the interleaved rows' weights are widened to),
 * so each 4-row block loads int16 pairs instead of widening the same input word again (tfg_dense4_wide_s8: 18
 * instructions per 16 MACs against 20), and the one multiplier, shift code and clamp stay in registers. Exact integer
 * sums in another order, so bit-exact with tfg_dense_s8. */
#include "tfg_gemm_dsp.h"

tfg_status tfg_dense_s8_tensor_dsp(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_dsp_quant *q,
                                   const int8_t *in, const int8_t *w4, const int32_t *folded_bias, int8_t *out,
                                   void *scratch, int32_t scratch_bytes) {
  if (scratch_bytes < tfg_dense_s8_tensor_dsp_scratch_bytes(in_n) || q->shift_code[0] < 0) return TFG_ERR_ARG;
  const int32_t groups = in_n >> 2;
  const int32_t m = q->multiplier[0], e = q->shift_code[0], r = q->round_offset;
  const int32_t lo = q->act_min, hi = q->act_max;
  const int32_t clamp = tfg_act_clamp_kind(q);
  int32_t *const xw = (int32_t *)scratch;
  for (int32_t b = 0; b < batch; ++b) {
    const int8_t *x = in + (size_t)b * (size_t)in_n;
    int8_t *y = out + (size_t)b * (size_t)out_n;
    for (int32_t g = 0; g < groups; ++g) {
      const uint32_t v = tfg_load32(x + 4 * g);
      xw[2 * g] = tfg_sxtb16(v);
      xw[2 * g + 1] = tfg_sxtb16_ror8(v);
    }
    const int8_t *wp = w4;
    for (int32_t o = 0; o < out_n; o += 4) {
      int32_t acc[4] = {folded_bias[o], folded_bias[o + 1], folded_bias[o + 2], folded_bias[o + 3]};
      tfg_dense4_wide_s8(xw, wp, groups, acc);
      wp += 16 * groups;
      if (in_n & 3) /* at most three inputs left, each with its 4 row bytes */
        for (int32_t i = groups << 2; i < in_n; ++i, wp += 4)
          for (int32_t k = 0; k < 4; ++k) acc[k] += (int32_t)x[i] * (int32_t)wp[k];
      const int32_t v0 = tfg_requant_smmulr(acc[0], m, e, r), v1 = tfg_requant_smmulr(acc[1], m, e, r);
      const int32_t v2 = tfg_requant_smmulr(acc[2], m, e, r), v3 = tfg_requant_smmulr(acc[3], m, e, r);
      if (o + 4 <= out_n) {
        tfg_store4_act(clamp, lo, hi, v0, v1, v2, v3, y + o, y + o + 1, y + o + 2, y + o + 3);
      } else { /* the last one to three rows */
        const int32_t v[4] = {v0, v1, v2, v3};
        for (int32_t k = 0; o + k < out_n; ++k) y[o + k] = (int8_t)tfg_clamp_i32(v[k], lo, hi);
      }
    }
  }
  return TFG_OK;
}

int32_t tfg_dense_s8_tensor_dsp_scratch_bytes(int32_t in_n) { return 8 * (in_n >> 2); }
