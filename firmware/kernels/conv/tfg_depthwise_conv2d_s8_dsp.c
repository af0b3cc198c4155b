/* tfg_depthwise_conv2d_s8_dsp: int8 depthwise convolution (depth multiplier 1, no dilation) with Cortex-M DSP
 * dual 16-bit MACs. Four channels at a time: one word of inputs and one of weights per tap, SXTB16 splits each into
 * (c0,c2) and (c1,c3), SMLABB/SMLATT keep the four channel sums apart. The input offset is folded into folded_bias
 * (codegen: bias + input_offset·Σ_taps w), so a padded tap must read the input zero point (−input_offset), which
 * adds exactly 0 back; interior 3×3 windows run fully unrolled, border windows point padded taps at a stack row of
 * zero points (TFG_DW_MAX_CHANNELS bytes; codegen keeps wider layers on the reference kernel).
 * Bit-exact with tfg_depthwise_conv2d_s8 (exact integer sums). */
#include "tfg_support.h"

/* acc0..acc3 += x·w for the 4 channels in the words xv, wv */
#define TFG_DW_TAP(xv, wv)                                   \
  do {                                                       \
    const uint32_t xv_ = (xv), wv_ = (wv);                   \
    const int32_t x02 = tfg_sxtb16(xv_), w02 = tfg_sxtb16(wv_); \
    a0 = tfg_smlabb(x02, w02, a0);                           \
    a2 = tfg_smlatt(x02, w02, a2);                           \
    const int32_t x13 = tfg_sxtb16_ror8(xv_), w13 = tfg_sxtb16_ror8(wv_); \
    a1 = tfg_smlabb(x13, w13, a1);                           \
    a3 = tfg_smlatt(x13, w13, a3);                           \
  } while (0)

tfg_status tfg_depthwise_conv2d_s8_dsp(const tfg_conv_geom *g, const tfg_s8_dsp_quant *q, int32_t input_offset,
                                       const int8_t *in, const int8_t *w, const int32_t *folded_bias, int8_t *out) {
  const int32_t ch = g->out_c;
  const int32_t zp = -input_offset;
  const size_t x_row = (size_t)g->in_w * ch;
  const size_t w_row = (size_t)g->k_w * ch;
  const int32_t is3x3 = g->k_h == 3 && g->k_w == 3;
  const int32_t taps = g->k_h * g->k_w; /* ≤ TFG_DW_MAX_TAPS (codegen checks) */
  const int8_t *xp[TFG_DW_MAX_TAPS];
  int8_t zp_row[TFG_DW_MAX_CHANNELS];
  for (int32_t i = 0; i < ch; ++i) zp_row[i] = (int8_t)zp;
  for (int32_t b = 0; b < g->batch; ++b) {
    const int8_t *img = in + (size_t)b * g->in_h * x_row;
    for (int32_t oy = 0; oy < g->out_h; ++oy) {
      const int32_t iy0 = oy * g->stride_h - g->pad_top;
      for (int32_t ox = 0; ox < g->out_w; ++ox) {
        const int32_t ix0 = ox * g->stride_w - g->pad_left;
        const int32_t inside = iy0 >= 0 && ix0 >= 0 && iy0 + g->k_h <= g->in_h && ix0 + g->k_w <= g->in_w;
        int8_t *y = out + (((size_t)b * g->out_h + oy) * g->out_w + ox) * ch;
        if (!(inside && is3x3)) {
          for (int32_t ky = 0, k = 0; ky < g->k_h; ++ky) {
            const int32_t iy = iy0 + ky;
            for (int32_t kx = 0; kx < g->k_w; ++kx, ++k) {
              const int32_t ix = ix0 + kx;
              xp[k] = iy >= 0 && iy < g->in_h && ix >= 0 && ix < g->in_w ? img + (size_t)iy * x_row + (size_t)ix * ch : zp_row;
            }
          }
        }
        int32_t c = 0;
        for (; c + 4 <= ch; c += 4) {
          int32_t a0 = folded_bias[c], a1 = folded_bias[c + 1], a2 = folded_bias[c + 2], a3 = folded_bias[c + 3];
          if (inside && is3x3) {
            const int8_t *x = img + (size_t)iy0 * x_row + (size_t)ix0 * ch + c;
            const int8_t *wt = w + c;
            for (int32_t r = 0; r < 3; ++r, x += x_row, wt += w_row) {
              TFG_DW_TAP(tfg_load32(x), tfg_load32(wt));
              TFG_DW_TAP(tfg_load32(x + ch), tfg_load32(wt + ch));
              TFG_DW_TAP(tfg_load32(x + 2 * ch), tfg_load32(wt + 2 * ch));
            }
          } else {
            const int8_t *wt = w + c;
            for (int32_t k = 0; k < taps; ++k, wt += ch) TFG_DW_TAP(tfg_load32(xp[k] + c), tfg_load32(wt));
          }
          y[c] = tfg_requant_dsp(q, a0, c);
          y[c + 1] = tfg_requant_dsp(q, a1, c + 1);
          y[c + 2] = tfg_requant_dsp(q, a2, c + 2);
          y[c + 3] = tfg_requant_dsp(q, a3, c + 3);
        }
        for (; c < ch; ++c) {
          int32_t acc = folded_bias[c];
          for (int32_t k = 0; k < taps; ++k) {
            const int32_t ky = k / g->k_w, kx = k % g->k_w;
            const int32_t iy = iy0 + ky, ix = ix0 + kx;
            const int32_t xv = iy >= 0 && iy < g->in_h && ix >= 0 && ix < g->in_w ? img[(size_t)iy * x_row + (size_t)ix * ch + c] : zp;
            acc += xv * (int32_t)w[(size_t)k * ch + c];
          }
          y[c] = tfg_requant_dsp(q, acc, c);
        }
      }
    }
  }
  return TFG_OK;
}
