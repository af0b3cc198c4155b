/* tfg_gemm_mla.h: the int8 GEMM core of the _mla conv kernel, for ARMv7-M cores without the DSP extension (Cortex-M3):
 * no SMLAD or SXTB16, so one MLA per MAC, and the block is shaped so that MLA is nearly all it runs. Four output
 * pixels' receptive fields are widened once to int32 columns interleaved by element (element k of pixel j at
 * cols[4·k + j]), so one LDM fetches element k of all four pixels; each weight byte is sign-extended once (SXTB with
 * its free rotation) for the four pixels. The register block is out of line (support/tfg_gemm_mla.c: hand-scheduled
 * Thumb-2 on ARMv7-M, the same sums in portable C elsewhere); the gather and the channel loop are inline here. */
#ifndef TFG_GEMM_MLA_H
#define TFG_GEMM_MLA_H

#include "tfg_gemm_dsp.h" /* the requantization and stores of the DSP block */

/* One output channel × 4 columns over `groups` groups of 4 elements: cols as tfg_gather_col_s32 writes them, w the
 * channel's weights (natural order, K rounded up to 4 with zeros), both word-aligned. acc[j] += column j · w. On
 * ARMv7-M 53 instructions per two groups (32 MACs: one LDM of weights, eight LDM of columns, eight SXTB/ASR, thirty-two
 * MLA, the loop's SUBS and branch). */
void tfg_gemm1x4_s32(const int32_t *cols, const int8_t *w, int32_t groups, int32_t *acc);

/* 4 output rows × one int8 vector over `groups` groups of 4 inputs, with tfg_dense4_s8's interleaved weights (per
 * group the 4 bytes of each of the 4 rows); x and w any alignment. acc[r] += Σ x·w_r. On ARMv7-M 36 instructions per
 * group of 16 MACs (four LDRSB of inputs, sixteen LDRSB of weights, sixteen MLA) and a SUBS and branch per two groups. */
void tfg_dense4_mla(const int8_t *x, const int8_t *w, int32_t groups, int32_t *acc);

/* A 3×3 depthwise window of 4 channels: x[r] the window's row r (3 taps of 4 int32, tap-major), w the 9 taps' 4 int32
 * weights in the same order. acc[i] += Σ x·w of channel i. On ARMv7-M 63 instructions per 36 MACs (per tap an LDM of
 * inputs, an LDM of weights and four MLA). */
void tfg_dw3x3_mla(const int32_t *const x[3], const int32_t *w, int32_t *acc);

/* One output pixel's receptive field as int32 (x + offset; padded taps 0) into column j of the 4-column buffer
 * (element k at cols[4·k + j]). Elements K..K4−1 are not written: the caller zeroes them once. */
static inline void tfg_gather_col_s32(const tfg_conv_geom16 *g, const int8_t *img, int32_t oy, int32_t ox,
                                      int32_t offset, int32_t *cols, int32_t j) {
  const int32_t in_c = g->in_c;
  const int32_t iy0 = oy * g->stride_h - g->pad_top, ix0 = ox * g->stride_w - g->pad_left;
  /* a window row inside the image is one run of k_w·in_c bytes when dil_w = 1 */
  const int32_t run = g->dil_w == 1 ? g->k_w * in_c : in_c;
  const int32_t row_inside = g->dil_w == 1 && ix0 >= 0 && ix0 + g->k_w - 1 < g->in_w;
  int32_t *dst = cols + j;
  for (int32_t ky = 0; ky < g->k_h; ++ky) {
    const int32_t iy = iy0 + ky * g->dil_h;
    const int32_t row_out = iy < 0 || iy >= g->in_h;
    if (!row_out && row_inside) {
      const int8_t *src = img + ((size_t)iy * g->in_w + ix0) * in_c;
      for (int32_t i = 0; i < run; ++i, dst += 4) *dst = src[i] + offset;
      continue;
    }
    for (int32_t kx = 0; kx < g->k_w; ++kx) {
      const int32_t ix = ix0 + kx * g->dil_w;
      if (row_out || ix < 0 || ix >= g->in_w) {
        for (int32_t c = 0; c < in_c; ++c, dst += 4) *dst = 0;
      } else {
        const int8_t *src = img + ((size_t)iy * g->in_w + ix) * in_c;
        for (int32_t c = 0; c < in_c; ++c, dst += 4) *dst = src[c] + offset;
      }
    }
  }
}

/* Every output channel of w (`groups` groups of 4 weights each) against the four gathered columns, requantized into
 * y[0..3] (a repeated column repeats its pointer: the same bytes are stored twice); the DSP block's channel loop
 * (tfg_gemm_cols_s8) around the MLA block. */
static inline void tfg_gemm_cols_mla(const tfg_s8_dsp_quant *q, const int32_t *cols, const int8_t *w,
                                     const int32_t *bias, int32_t n_out, int32_t groups, int8_t *const y[4]) {
  const tfg_s8_dsp_quant qv = *q; /* a local copy: the int8 stores below could alias *q, which would force reloads */
  const int32_t lo = qv.act_min, hi = qv.act_max;
  const int32_t clamp = tfg_act_clamp_kind(&qv);
  int8_t *const y0 = y[0], *const y1 = y[1], *const y2 = y[2], *const y3 = y[3];
  for (int32_t oc = 0; oc < n_out; ++oc, w += 4 * groups) {
    const int32_t b = bias[oc];
    int32_t acc[4] = {b, b, b, b};
    tfg_gemm1x4_s32(cols, w, groups, acc);
    const int32_t e = qv.shift_code[oc];
    int32_t v0, v1, v2, v3;
    if (TFG_LIKELY(e >= 0)) {
      const int32_t m = qv.multiplier[oc], r = qv.round_offset;
      v0 = tfg_requant_smmulr(acc[0], m, e, r);
      v1 = tfg_requant_smmulr(acc[1], m, e, r);
      v2 = tfg_requant_smmulr(acc[2], m, e, r);
      v3 = tfg_requant_smmulr(acc[3], m, e, r);
    } else {
      v0 = tfg_requant_dsp_raw(&qv, acc[0], oc);
      v1 = tfg_requant_dsp_raw(&qv, acc[1], oc);
      v2 = tfg_requant_dsp_raw(&qv, acc[2], oc);
      v3 = tfg_requant_dsp_raw(&qv, acc[3], oc);
    }
    tfg_store4_act(clamp, lo, hi, v0, v1, v2, v3, y0 + oc, y1 + oc, y2 + oc, y3 + oc);
  }
}

#endif /* TFG_GEMM_MLA_H */
