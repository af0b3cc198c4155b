/* tfg_depthwise_conv2d_s8_mla: int8 depthwise convolution (depth multiplier 1, no dilation) for ARMv7-M cores without
 * the DSP extension (Cortex-M3), one group of 4 channels at a time. The group's weights are widened once to int32, and
 * the k_h input rows an output row reads are widened into a ring of int32 rows (x + input offset, padding 0, the 4
 * channels of a position side by side), each input row once per group. A tap of 4 channels is then two word pairs
 * of inputs, two of weights and four MLA, with no bounds checks and no offset; a 3×3 window is one call of the LDM/MLA
 * block tfg_dw3x3_mla (tfg_gemm_mla.h).
 * Requantized as the _dsp kernels do (tfg_requant_dsp_raw). Scratch: k_h·W_p·16 bytes of rows and k_h·k_w·16 of
 * weights, W_p = (out_w − 1)·stride_w + k_w, within TFG_DW_ROWBUF_BYTES and TFG_DW_WBUF_BYTES (codegen checks).
 * Bit-exact with tfg_depthwise_conv2d_s8 (exact integer sums). */
#include "tfg_gemm_mla.h"

/* a0..a3 += x·w for one tap of 4 channels: xp / wp point at 4 int32 */
#define TFG_DW_MLA_TAP(xp, wp)                                                                                         \
  do {                                                                                                                 \
    a0 += (xp)[0] * (wp)[0];                                                                                           \
    a1 += (xp)[1] * (wp)[1];                                                                                           \
    a2 += (xp)[2] * (wp)[2];                                                                                           \
    a3 += (xp)[3] * (wp)[3];                                                                                           \
  } while (0)

/* Input row iy of channels c0..c0+3 (those < ch; the others 0) as int32 x + offset into dst (4 per position, W_p
 * positions from ix = −pad_left; positions outside the image, or a row outside it, 0). */
static void tfg_dw_mla_widen(const tfg_conv_geom16 *g, const int8_t *img, int32_t iy, int32_t c0, int32_t offset,
                             int32_t wp, int32_t *dst) {
  const int32_t ch = g->in_c;
  const int32_t ix_lo = -g->pad_left;
  for (int32_t px = 0; px < wp; ++px, dst += 4) {
    const int32_t ix = ix_lo + px;
    if (iy < 0 || iy >= g->in_h || ix < 0 || ix >= g->in_w) {
      dst[0] = dst[1] = dst[2] = dst[3] = 0;
      continue;
    }
    const int8_t *src = img + ((size_t)iy * g->in_w + ix) * ch + c0;
    if (c0 + 4 <= ch) {
      dst[0] = src[0] + offset;
      dst[1] = src[1] + offset;
      dst[2] = src[2] + offset;
      dst[3] = src[3] + offset;
    } else {
      for (int32_t i = 0; i < 4; ++i) dst[i] = c0 + i < ch ? src[i] + offset : 0;
    }
  }
}

tfg_status tfg_depthwise_conv2d_s8_mla(const tfg_conv_geom16 *geom, const tfg_s8_dsp_quant *quant, int32_t input_offset,
                                       const int8_t *in, const int8_t *w, const int32_t *bias4, int8_t *out,
                                       void *scratch, int32_t scratch_bytes) {
  if (scratch_bytes < tfg_depthwise_conv2d_s8_mla_scratch_bytes(geom)) return TFG_ERR_ARG;
  const tfg_conv_geom16 gv = *geom; /* local copies: the stores below could alias *geom and *quant */
  const tfg_conv_geom16 *g = &gv;
  const tfg_s8_dsp_quant qv = *quant;
  const int32_t ch = g->in_c, kh = g->k_h, kw = g->k_w, sh = g->stride_h, sw = g->stride_w;
  const int32_t out_h = g->out_h, out_w = g->out_w;
  const int32_t wp = (out_w - 1) * sw + kw;
  const int32_t row_words = 4 * wp;
  int32_t *const rows = (int32_t *)scratch;
  int32_t *const wts = rows + kh * row_words;
  const int32_t clamp = tfg_act_clamp_kind(&qv);
  const int32_t lo = qv.act_min, hi = qv.act_max;
  const int32_t three = kh == 3 && kw == 3;
  for (int32_t b = 0; b < g->batch; ++b) {
    const int8_t *img = in + (size_t)b * g->in_h * g->in_w * ch;
    int8_t *const y0 = out + (size_t)b * out_h * out_w * ch;
    for (int32_t c0 = 0; c0 < ch; c0 += 4) {
      const int32_t n = ch - c0 < 4 ? ch - c0 : 4;
      for (int32_t t = 0; t < kh * kw; ++t)
        for (int32_t i = 0; i < 4; ++i) wts[4 * t + i] = i < n ? w[(size_t)t * ch + c0 + i] : 0;
      int32_t held[TFG_DW_MAX_KH]; /* the input row each ring slot holds */
      for (int32_t s = 0; s < kh; ++s) held[s] = INT32_MIN;
      for (int32_t oy = 0; oy < out_h; ++oy) {
        const int32_t *line[TFG_DW_MAX_KH];
        for (int32_t ky = 0; ky < kh; ++ky) {
          const int32_t iy = oy * sh - g->pad_top + ky;
          const int32_t s = (iy % kh + kh) % kh;
          int32_t *slot = rows + s * row_words;
          if (held[s] != iy) {
            tfg_dw_mla_widen(g, img, iy, c0, input_offset, wp, slot);
            held[s] = iy;
          }
          line[ky] = slot;
        }
        int8_t *y = y0 + (size_t)oy * out_w * ch + c0;
        for (int32_t ox = 0; ox < out_w; ++ox, y += ch) {
          int32_t a0 = bias4[c0], a1 = bias4[c0 + 1], a2 = bias4[c0 + 2], a3 = bias4[c0 + 3];
          const int32_t at = 4 * ox * sw;
          if (three) {
            const int32_t *const x[3] = {line[0] + at, line[1] + at, line[2] + at};
            int32_t acc[4] = {a0, a1, a2, a3};
            tfg_dw3x3_mla(x, wts, acc);
            a0 = acc[0];
            a1 = acc[1];
            a2 = acc[2];
            a3 = acc[3];
          } else {
            const int32_t *wt = wts;
            for (int32_t ky = 0; ky < kh; ++ky) {
              const int32_t *x = line[ky] + at;
              for (int32_t kx = 0; kx < kw; ++kx, x += 4, wt += 4) TFG_DW_MLA_TAP(x, wt);
            }
          }
          if (TFG_LIKELY(n == 4)) {
            const int32_t v0 = tfg_requant_dsp_raw(&qv, a0, c0), v1 = tfg_requant_dsp_raw(&qv, a1, c0 + 1);
            const int32_t v2 = tfg_requant_dsp_raw(&qv, a2, c0 + 2), v3 = tfg_requant_dsp_raw(&qv, a3, c0 + 3);
            tfg_store4_act(clamp, lo, hi, v0, v1, v2, v3, y, y + 1, y + 2, y + 3);
          } else { /* the last, partial group: its missing channels have no quantization entries */
            const int32_t a[4] = {a0, a1, a2, a3};
            for (int32_t i = 0; i < n; ++i) y[i] = tfg_requant_dsp(&qv, a[i], c0 + i);
          }
        }
      }
    }
  }
  return TFG_OK;
}

int32_t tfg_depthwise_conv2d_s8_mla_scratch_bytes(const tfg_conv_geom16 *g) {
  const int32_t wp = (g->out_w - 1) * g->stride_w + g->k_w;
  return 16 * g->k_h * (wp + g->k_w);
}
