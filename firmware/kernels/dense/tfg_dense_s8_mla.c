/* tfg_dense_s8_mla: int8 fully-connected layer for ARMv7-M cores without the DSP extension (Cortex-M3), with
 * tfg_dense_s8_dsp's compile-time layout: `folded_bias` is codegen's bias + input_offset·Σ_i w[o,i], so the inner loop
 * is pure LDRSB + MLA, and four output rows per pass share each input (w4 interleaves them: per group of 4 inputs, 4
 * bytes of each of the 4 rows; the in_n % 4 tail as 4 row bytes per input; rows padded to a multiple of 4 with zeros,
 * folded_bias likewise), one pointer walking them (tfg_dense4_mla, tfg_gemm_mla.h). Requantized as the _dsp kernels
 * do. Exact integer sums in another order, so bit-exact with tfg_dense_s8. */
#include "tfg_gemm_mla.h"

tfg_status tfg_dense_s8_mla(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_dsp_quant *q, const int8_t *in,
                            const int8_t *w4, const int32_t *folded_bias, int8_t *out) {
  const int32_t groups = in_n >> 2;
  const tfg_s8_dsp_quant qv = *q; /* a local copy: the int8 stores below could alias *q */
  const int32_t clamp = tfg_act_clamp_kind(&qv);
  for (int32_t b = 0; b < batch; ++b) {
    const int8_t *x = in + (size_t)b * (size_t)in_n;
    int8_t *y = out + (size_t)b * (size_t)out_n;
    const int8_t *wp = w4;
    for (int32_t o = 0; o < out_n; o += 4) {
      int32_t acc[4] = {folded_bias[o], folded_bias[o + 1], folded_bias[o + 2], folded_bias[o + 3]};
      tfg_dense4_mla(x, wp, groups, acc);
      wp += 16 * groups;
      if (in_n & 3) /* at most three inputs left, each with its 4 row bytes */
        for (int32_t i = groups << 2; i < in_n; ++i, wp += 4)
          for (int32_t r = 0; r < 4; ++r) acc[r] += (int32_t)x[i] * (int32_t)wp[r];
      const int8_t *e = qv.shift_code + o;
      if (o + 4 <= out_n && TFG_LIKELY((e[0] | e[1] | e[2] | e[3]) >= 0)) {
        const int32_t *m = qv.multiplier + o, r = qv.round_offset;
        tfg_store4_act(clamp, qv.act_min, qv.act_max, tfg_requant_smmulr(acc[0], m[0], e[0], r),
                       tfg_requant_smmulr(acc[1], m[1], e[1], r), tfg_requant_smmulr(acc[2], m[2], e[2], r),
                       tfg_requant_smmulr(acc[3], m[3], e[3], r), y + o, y + o + 1, y + o + 2, y + o + 3);
      } else { /* the last one to three rows, or a channel on the general path */
        for (int32_t k = 0; k < 4 && o + k < out_n; ++k) y[o + k] = tfg_requant_dsp(&qv, acc[k], o + k);
      }
    }
  }
  return TFG_OK;
}
