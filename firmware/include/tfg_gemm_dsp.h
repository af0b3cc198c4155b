/* tfg_gemm_dsp.h: the int8 GEMM core of the _dsp conv (im2col, 1×1) and dense kernels. The register blocks that run
 * the inner loops are out of line (support/tfg_gemm_dsp.c: hand-scheduled LDM + SXTB16 + SMLAD on the DSP cores, where
 * -icount counts one instruction per multi-register load; the same sums in portable C elsewhere); the channel loops
 * and the fused requantization around them are inline here. */
#ifndef TFG_GEMM_DSP_H
#define TFG_GEMM_DSP_H

#include "tfg_dsp.h"

/* One output channel × 4 columns over `groups` groups of 4: cols as tfg_gather_col_s16 writes them (per group the
 * first two int16 of columns 0..3, then the last two), w the channel's weights (K rounded up to 4 with zeros), both
 * word-aligned. acc[j] += column j · w. Each weight word is widened once for 4 columns. On the DSP cores 52
 * instructions per four groups (64 MACs: two LDM of weights, eight LDM of columns, eight SXTB16, thirty-two SMLAD, the
 * loop's SUBS and branch). */
void tfg_gemm1x4_s16(const int16_t *cols, const int8_t *w, int32_t groups, int32_t *acc);

/* tfg_gemm1x4_s16 with 4-bit weights stored as w + 8 (0..15): word i holds group 2i in its low nibbles and group
 * 2i + 1 in its high ones, each group's bytes in tfg_gemm1x4_s16's order. acc[j] += column j · (w + 8); the caller
 * subtracts 8 · Σ column j. On the DSP cores 27 instructions per word (32 MACs): a masked shift of the word is one
 * weight pair as SMLAD's int16 halves, where the int8 block spends an SXTB16. */
void tfg_gemm1x4_s16_s4(const int16_t *cols, const uint8_t *w, int32_t groups, int32_t *acc);

/* 4 output rows × one int8 vector over `groups` groups of 4 inputs: w the rows' interleaved weights (per group the 4
 * bytes of each of the 4 rows), word-aligned; x any alignment. acc[r] += Σ x·w_r. On the DSP cores 20 instructions per
 * group of 16 MACs (one LDR, one LDM, ten SXTB16, eight SMLAD) and a SUBS and branch per four groups. */
void tfg_dense4_s8(const int8_t *x, const int8_t *w, int32_t groups, int32_t *acc);

/* tfg_dense4_s8 with the input already widened: xw holds per group the SXTB16 halves of its input word (bytes 0 and 2,
 * then 1 and 3, as int16 pairs), word-aligned. On the DSP cores 18 instructions per group of 16 MACs (two LDM, eight
 * SXTB16, eight SMLAD) and a SUBS and branch per four groups: the input is widened once for all the layer's rows. */
void tfg_dense4_wide_s8(const int32_t *xw, const int8_t *w, int32_t groups, int32_t *acc);

/* tfg_dense4_s8 with 4-bit weights stored as w + 8 (0..15): per group two words, rows 0–1 then rows 2–3, byte k of a
 * word holding input k's nibble of the first row (low) and of the second (high). acc[r] += Σ x·(w_r + 8); the caller
 * subtracts 8·Σ x. On the DSP cores 20 instructions per group of 16 MACs, as the int8 block: a masked shift of a
 * packed word is one row's two weights as int16 halves, so the nibbles cost what SXTB16 costs for int8. */
void tfg_dense4_s4(const int8_t *x, const uint8_t *w, int32_t groups, int32_t *acc);

/* tfg_requant_dsp_raw's SMMULR path for a channel whose code e ≥ 0: one multiply and four shifts/adds. */
static inline TFG_HOT_INLINE int32_t tfg_requant_smmulr(int32_t acc, int32_t multiplier, int32_t e,
                                                        int32_t round_offset) {
  const int32_t v = tfg_smmulr((int32_t)((uint32_t)acc << 1), multiplier);
  return (((v + (v >> 31)) >> e) + round_offset) >> 1;
}

/* Which activation bounds the stores must apply beyond SSAT's int8 range: 0 none, 1 the lower one only (ReLU), 2 both. */
static inline int32_t tfg_act_clamp_kind(const tfg_s8_dsp_quant *q) { return q->act_max < 127 ? 2 : q->act_min > -128; }

/* Four requantized outputs (raw values of tfg_requant_dsp_raw) clamped as `clamp` says and stored as int8. */
static inline TFG_HOT_INLINE void tfg_store4_act(int32_t clamp, int32_t lo, int32_t hi, int32_t v0, int32_t v1,
                                                 int32_t v2, int32_t v3, int8_t *y0, int8_t *y1, int8_t *y2,
                                                 int8_t *y3) {
  if (clamp) {
    v0 = v0 < lo ? lo : v0;
    v1 = v1 < lo ? lo : v1;
    v2 = v2 < lo ? lo : v2;
    v3 = v3 < lo ? lo : v3;
    if (clamp == 2) {
      v0 = v0 > hi ? hi : v0;
      v1 = v1 > hi ? hi : v1;
      v2 = v2 > hi ? hi : v2;
      v3 = v3 > hi ? hi : v3;
    }
  }
  *y0 = (int8_t)tfg_ssat8(v0);
  *y1 = (int8_t)tfg_ssat8(v1);
  *y2 = (int8_t)tfg_ssat8(v2);
  *y3 = (int8_t)tfg_ssat8(v3);
}

/* The output channel loop shared by the im2col and 1×1 kernels: every channel of w (codegen's per-channel weights,
 * `groups` groups of 4 each) against the four gathered columns, requantized into y[0..3] (a repeated column repeats
 * its pointer: the same bytes are stored twice). A channel's multiplier and shift code are read once for its four
 * outputs, and one test picks the SMMULR path (a channel codegen proved bounded) or the general one. */
static inline void tfg_gemm_cols_s8(const tfg_s8_dsp_quant *q, const int16_t *cols, const int8_t *w,
                                    const int32_t *bias, int32_t n_out, int32_t groups, int8_t *const y[4]) {
  const tfg_s8_dsp_quant qv = *q; /* a local copy: the int8 stores below could alias *q, which would force reloads */
  const int32_t lo = qv.act_min, hi = qv.act_max;
  const int32_t clamp = tfg_act_clamp_kind(&qv);
  int8_t *const y0 = y[0], *const y1 = y[1], *const y2 = y[2], *const y3 = y[3];
  for (int32_t oc = 0; oc < n_out; ++oc, w += 4 * groups) {
    const int32_t b = bias[oc];
    int32_t acc[4] = {b, b, b, b};
    tfg_gemm1x4_s16(cols, w, groups, acc);
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

/* The four columns of the pixel block starting at p (pixel p + j, or the last pixel past the end: computed again,
 * stored again with the same bytes) into cols, and their output rows into y. An unpadded 1×1 field with in_c a multiple
 * of 4 is one input pixel's channels, widened here directly; other fields go through tfg_gather_col_s16. */
static inline void tfg_gather_block_s16(const tfg_conv_geom16 *g, const int8_t *img, int32_t p, int32_t pixels,
                                        int32_t offset, int16_t *cols, int16_t *tmp, int8_t *y0, int8_t *y[4]) {
  const int32_t in_c = g->in_c;
  const int32_t pointwise = g->k_h == 1 && g->k_w == 1 && (in_c & 3) == 0 && (g->pad_top | g->pad_left) == 0;
  const int32_t off2 = (int32_t)(((uint32_t)offset & 0xFFFFu) | ((uint32_t)offset << 16));
  for (int32_t j = 0; j < 4; ++j) {
    const int32_t pj = p + j < pixels ? p + j : pixels - 1;
    const int32_t oy = pj / g->out_w, ox = pj - oy * g->out_w;
    y[j] = y0 + (size_t)pj * g->out_c;
    if (!pointwise) {
      tfg_gather_col_s16(g, img, oy, ox, offset, cols, j, tmp);
      continue;
    }
    const int8_t *src = img + ((size_t)oy * g->stride_h * g->in_w + (size_t)ox * g->stride_w) * in_c;
    int16_t *dst = cols + 2 * j;
    for (int32_t c = 0; c < in_c; c += 4, dst += 16) {
      const uint32_t v = tfg_load32(src + c);
      tfg_store32a(dst, tfg_sadd16(tfg_sxtb16(v), off2));
      tfg_store32a(dst + 8, tfg_sadd16(tfg_sxtb16_ror8(v), off2));
    }
  }
}

#endif /* TFG_GEMM_DSP_H */
