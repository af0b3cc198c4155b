/* tfg_dense_s4_dsp: int8 fully-connected layer with 4-bit weights on Cortex-M DSP cores. As tfg_dense_s8_dsp (input
 * offset folded into `folded_bias`, four rows per pass, SMMULR requantization), with the rows' nibbles interleaved as
 * tfg_dense4_s4 reads them and stored as w + 8, so Σ x·w = Σ x·(w + 8) − 8·Σ x: the correction is one subtraction per
 * row, Σ x being computed once per input vector. The in_n % 4 tail: per input two bytes (rows 0–1, rows 2–3), padded
 * to a word. The out_n % 4 last rows are stored as rows (input i in the low nibble of byte i/2 when i is even), not
 * padded to four: a 10-class head would otherwise store two rows of nothing. Exact integer sums in another order, so bit-exact with tfg_dense_s4. */
#include "tfg_gemm_dsp.h"

tfg_status tfg_dense_s4_dsp(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_dsp_quant *q, const int8_t *in,
                            const uint8_t *w4, const int32_t *folded_bias, int8_t *out) {
  const int32_t groups = in_n >> 2, tail = in_n & 3;
  const int32_t tail_bytes = (2 * tail + 3) & ~3;
  const tfg_s8_dsp_quant qv = *q; /* a local copy: the int8 stores below could alias *q */
  const int32_t clamp = tfg_act_clamp_kind(&qv);
  for (int32_t b = 0; b < batch; ++b) {
    const int8_t *x = in + (size_t)b * (size_t)in_n;
    int8_t *y = out + (size_t)b * (size_t)out_n;
    int32_t sum = 0;
    for (int32_t i = 0; i < in_n; ++i) sum += x[i];
    const int32_t nibble_offset = 8 * sum;
    const uint8_t *wp = w4;
    int32_t o = 0;
    for (; o + 4 <= out_n; o += 4) {
      int32_t acc[4] = {folded_bias[o] - nibble_offset, folded_bias[o + 1] - nibble_offset,
                        folded_bias[o + 2] - nibble_offset, folded_bias[o + 3] - nibble_offset};
      tfg_dense4_s4(x, wp, groups, acc);
      wp += 8 * groups;
      for (int32_t i = 0; i < tail; ++i) {
        const int32_t xi = x[(groups << 2) + i];
        const uint8_t lo = wp[2 * i], hi = wp[2 * i + 1];
        acc[0] += xi * (lo & 0x0F);
        acc[1] += xi * (lo >> 4);
        acc[2] += xi * (hi & 0x0F);
        acc[3] += xi * (hi >> 4);
      }
      wp += tail_bytes;
      const int8_t *e = qv.shift_code + o;
      if (TFG_LIKELY((e[0] | e[1] | e[2] | e[3]) >= 0)) {
        const int32_t *m = qv.multiplier + o, r = qv.round_offset;
        tfg_store4_act(clamp, qv.act_min, qv.act_max, tfg_requant_smmulr(acc[0], m[0], e[0], r),
                       tfg_requant_smmulr(acc[1], m[1], e[1], r), tfg_requant_smmulr(acc[2], m[2], e[2], r),
                       tfg_requant_smmulr(acc[3], m[3], e[3], r), y + o, y + o + 1, y + o + 2, y + o + 3);
      } else { /* a channel on the general path */
        for (int32_t k = 0; k < 4; ++k) y[o + k] = tfg_requant_dsp(&qv, acc[k], o + k);
      }
    }
    for (const int32_t row_bytes = (in_n + 1) >> 1; o < out_n; ++o, wp += row_bytes) {
      int32_t acc = folded_bias[o] - nibble_offset;
      for (int32_t i = 0; i < in_n; ++i) acc += (int32_t)x[i] * ((wp[i >> 1] >> ((i & 1) * 4)) & 0x0F);
      y[o] = tfg_requant_dsp(&qv, acc, o);
    }
  }
  return TFG_OK;
}
