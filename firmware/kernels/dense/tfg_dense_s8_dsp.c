/* tfg_dense_s8_dsp: int8 fully-connected layer with Cortex-M DSP SMLAD. The input offset is folded at compile time:
 * Σ (x + off)·w = Σ x·w + off·Σ w, so `folded_bias` is codegen's bias + input_offset·Σ_i w[o,i] and the inner loop is
 * pure SXTB16 + SMLAD. Four output rows per pass share each input word; codegen interleaves those rows (w4: per group
 * of 4 inputs, 4 bytes of each of the 4 rows; the in_n % 4 tail as 4 row bytes per input; rows padded to a multiple
 * of 4 with zeros, folded_bias likewise), so one pointer walks them with aligned loads (tfg_dense4_s8, tfg_gemm_dsp.h). Requantization with SMMULR.
 * Exact integer sums in another order, so bit-exact with tfg_dense_s8. */
#include "tfg_gemm_dsp.h"

tfg_status tfg_dense_s8_dsp(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_dsp_quant *q, const int8_t *in,
                            const int8_t *w4, const int32_t *folded_bias, int8_t *out) {
  const int32_t groups = in_n >> 2;
  const tfg_s8_dsp_quant qv = *q; /* a local copy: the int8 stores below could alias *q */
  const int32_t narrow = qv.act_min > -128 || qv.act_max < 127;
  for (int32_t b = 0; b < batch; ++b) {
    const int8_t *x0 = in + (size_t)b * (size_t)in_n;
    int8_t *y = out + (size_t)b * (size_t)out_n;
    const int8_t *wp = w4;
    for (int32_t o = 0; o < out_n; o += 4) {
      int32_t acc[4] = {folded_bias[o], folded_bias[o + 1], folded_bias[o + 2], folded_bias[o + 3]};
      tfg_dense4_s8(x0, wp, groups, acc);
      wp += 16 * groups;
      int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
      for (int32_t i = groups << 2; i < in_n; ++i, wp += 4) { /* at most three inputs left */
        const int32_t xi = x0[i];
        a0 += xi * (int32_t)wp[0];
        a1 += xi * (int32_t)wp[1];
        a2 += xi * (int32_t)wp[2];
        a3 += xi * (int32_t)wp[3];
      }
      if (o + 4 <= out_n) {
        tfg_store4_dsp(&qv, narrow, tfg_requant_dsp_raw(&qv, a0, o), tfg_requant_dsp_raw(&qv, a1, o + 1),
                       tfg_requant_dsp_raw(&qv, a2, o + 2), tfg_requant_dsp_raw(&qv, a3, o + 3), y + o, y + o + 1,
                       y + o + 2, y + o + 3);
      } else { /* one to three rows left */
        const int32_t left[4] = {a0, a1, a2, a3};
        for (int32_t k = 0; o + k < out_n; ++k) y[o + k] = tfg_requant_dsp(&qv, left[k], o + k);
      }
    }
  }
  return TFG_OK;
}
