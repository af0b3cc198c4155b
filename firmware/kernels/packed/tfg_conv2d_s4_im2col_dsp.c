/* tfg_conv2d_s4_im2col_dsp: int8 convolution with 4-bit weights on Cortex-M DSP cores, as tfg_conv2d_s8_im2col_dsp
 * (four output pixels' int16 columns, one output channel × 4 columns per GEMM block, SMMULR requantization) over
 * weights stored as w + 8, two groups of four per word (tfg_gemm1x4_s16_s4). Σ col·w = Σ col·(w + 8) − 8·Σ col: each
 * column's sum is taken once per block of four pixels and shared by every output channel. Scratch as
 * tfg_conv2d_s8_im2col_dsp's. Bit-exact with tfg_conv2d_s4 (exact integer sums). */
#include "tfg_gemm_dsp.h"

/* 8 · Σ of each of the four columns over `groups` groups (the layout tfg_gather_col_s16 writes). */
static void tfg_col_offsets(const int16_t *cols, int32_t groups, int32_t offsets[4]) {
  int32_t s[4] = {0, 0, 0, 0};
  for (int32_t i = 0; i < groups; ++i, cols += 16)
    for (int32_t j = 0; j < 4; ++j)
      s[j] = tfg_smlad((int32_t)tfg_load32a(cols + 8 + 2 * j), 0x00010001,
                       tfg_smlad((int32_t)tfg_load32a(cols + 2 * j), 0x00010001, s[j]));
  for (int32_t j = 0; j < 4; ++j) offsets[j] = 8 * s[j];
}

tfg_status tfg_conv2d_s4_im2col_dsp(const tfg_conv_geom16 *geom, const tfg_s8_dsp_quant *quant, int32_t input_offset,
                                    const int8_t *in, const uint8_t *w, const int32_t *bias, int8_t *out, void *scratch,
                                    int32_t scratch_bytes) {
  const size_t k4 = ((size_t)(geom->k_h * geom->k_w * geom->in_c) + 3) & ~(size_t)3;
  int16_t *const cols = (int16_t *)scratch, *const tmp = cols + 4 * k4;
  if (scratch_bytes < tfg_conv2d_s4_im2col_dsp_scratch_bytes(geom)) return TFG_ERR_ARG;
  /* local copies: the int16 column stores below could alias *geom and *quant (the columns live in the arena) */
  const tfg_conv_geom16 gv = *geom;
  const tfg_conv_geom16 *g = &gv;
  const tfg_s8_dsp_quant qv = *quant;
  const int32_t lo = qv.act_min, hi = qv.act_max;
  const int32_t clamp = tfg_act_clamp_kind(&qv);
  const int32_t groups = (g->k_h * g->k_w * g->in_c + 3) >> 2;
  const size_t channel_bytes = (size_t)((groups + 1) >> 1) * 4;
  const int32_t n_out = g->out_c;
  const int32_t pixels = g->out_h * g->out_w;
  for (int32_t b = 0; b < g->batch; ++b) {
    const int8_t *img = in + (size_t)b * g->in_h * g->in_w * g->in_c;
    int8_t *const y0 = out + (size_t)b * pixels * n_out;
    for (int32_t p = 0; p < pixels; p += 4) {
      int8_t *y[4];
      int32_t offsets[4];
      tfg_gather_block_s16(g, img, p, pixels, input_offset, cols, tmp, y0, y);
      tfg_col_offsets(cols, groups, offsets);
      const uint8_t *wc = w;
      for (int32_t oc = 0; oc < n_out; ++oc, wc += channel_bytes) {
        const int32_t bc = bias[oc];
        int32_t acc[4] = {bc - offsets[0], bc - offsets[1], bc - offsets[2], bc - offsets[3]};
        tfg_gemm1x4_s16_s4(cols, wc, groups, acc);
        const int32_t e = qv.shift_code[oc];
        int32_t v[4];
        for (int32_t j = 0; j < 4; ++j)
          v[j] = TFG_LIKELY(e >= 0) ? tfg_requant_smmulr(acc[j], qv.multiplier[oc], e, qv.round_offset)
                                    : tfg_requant_dsp_raw(&qv, acc[j], oc);
        tfg_store4_act(clamp, lo, hi, v[0], v[1], v[2], v[3], y[0] + oc, y[1] + oc, y[2] + oc, y[3] + oc);
      }
    }
  }
  return TFG_OK;
}

int32_t tfg_conv2d_s4_im2col_dsp_scratch_bytes(const tfg_conv_geom16 *g) {
  const int32_t k4 = (g->k_h * g->k_w * g->in_c + 3) & ~3;
  return (g->in_c & 3) != 0 ? 10 * k4 : 8 * k4;
}
