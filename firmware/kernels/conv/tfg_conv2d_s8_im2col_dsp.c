/* tfg_conv2d_s8_im2col_dsp: int8 convolution (one group, any kernel/stride/padding/dilation) with Cortex-M DSP SMLAD,
 * CMSIS-NN style: two output pixels' receptive fields are gathered as int16 columns (input offset added, padded taps
 * 0, each group of 4 reordered to pair with SXTB16 of the weights), then every pair of output channels is a 2×2 block
 * of dot products (≈ 1 instruction per MAC in the inner loop). Scratch: 3·K bytes + 4·K int16 on the stack,
 * K = k_h·k_w·in_c ≤ TFG_IM2COL_MAX (codegen falls back to tfg_conv2d_s8_dsp above). Bit-exact with tfg_conv2d_s8. */
#include "tfg_support.h"

/* Gathers one output pixel's receptive field as int16 (x + offset, padding 0) in SXTB16 pair order. */
static void tfg_im2col_s16(const tfg_conv_geom *g, const int8_t *img, int32_t oy, int32_t ox, int32_t offset,
                           int8_t *tmp, int16_t *col) {
  const int32_t k = g->k_h * g->k_w * g->in_c;
  const int8_t pad_value = (int8_t)(-offset); /* the zero point: (zp + offset) = 0 */
  const int32_t iy0 = oy * g->stride_h - g->pad_top, ix0 = ox * g->stride_w - g->pad_left;
  int8_t *dst = tmp;
  for (int32_t ky = 0; ky < g->k_h; ++ky) {
    const int32_t iy = iy0 + ky * g->dil_h;
    for (int32_t kx = 0; kx < g->k_w; ++kx, dst += g->in_c) {
      const int32_t ix = ix0 + kx * g->dil_w;
      if (iy < 0 || iy >= g->in_h || ix < 0 || ix >= g->in_w) {
        for (int32_t c = 0; c < g->in_c; ++c) dst[c] = pad_value;
      } else {
        const int8_t *src = img + ((size_t)iy * g->in_w + ix) * g->in_c;
        for (int32_t c = 0; c < g->in_c; ++c) dst[c] = src[c];
      }
    }
  }
  const int32_t off2 = (int32_t)(((uint32_t)offset & 0xFFFFu) | ((uint32_t)offset << 16));
  int32_t i = 0;
  for (; i + 4 <= k; i += 4) {
    const uint32_t v = tfg_load32(tmp + i);
    const int32_t a = tfg_sadd16(tfg_sxtb16(v), off2), b = tfg_sadd16(tfg_sxtb16_ror8(v), off2);
    col[i] = (int16_t)(a & 0xFFFF);
    col[i + 1] = (int16_t)((uint32_t)a >> 16);
    col[i + 2] = (int16_t)(b & 0xFFFF);
    col[i + 3] = (int16_t)((uint32_t)b >> 16);
  }
  for (; i < k; ++i) col[i] = (int16_t)(tmp[i] + offset);
}

tfg_status tfg_conv2d_s8_im2col_dsp(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in,
                                    const int8_t *w, const int32_t *bias, int8_t *out) {
  const int32_t k = g->k_h * g->k_w * g->in_c;
  const int32_t n_out = g->out_c;
  const int32_t pixels = g->out_h * g->out_w;
  int8_t tmp[TFG_IM2COL_MAX];
  int16_t cols[2 * TFG_IM2COL_MAX] TFG_ALIGN(4);
  for (int32_t b = 0; b < g->batch; ++b) {
    const int8_t *img = in + (size_t)b * g->in_h * g->in_w * g->in_c;
    for (int32_t p = 0; p < pixels; p += 2) {
      const int32_t pair = p + 1 < pixels;
      tfg_im2col_s16(g, img, p / g->out_w, p % g->out_w, q->input_offset, tmp, cols);
      if (pair) tfg_im2col_s16(g, img, (p + 1) / g->out_w, (p + 1) % g->out_w, q->input_offset, tmp, cols + k);
      if (!pair) for (int32_t i = 0; i < k; ++i) cols[k + i] = cols[i]; /* odd last pixel: computed twice, stored once */
      int8_t *y0 = out + ((size_t)b * pixels + p) * n_out;
      int8_t *y1 = y0 + n_out;
      for (int32_t oc = 0; oc < n_out; oc += 2) {
        const int32_t two = oc + 1 < n_out;
        const int32_t b0 = bias ? bias[oc] : 0, b1 = bias && two ? bias[oc + 1] : 0;
        int32_t acc[4] = {b0, b1, b0, b1};
        if (two) tfg_mac2x2_s16(cols, w + (size_t)oc * k, (size_t)k, k, acc);
        else { /* an odd last channel has no second row: plain sums, undoing the x0,x2,x1,x3 group order */
          const int8_t *w0 = w + (size_t)oc * k;
          for (int32_t i = 0; i < k; ++i) {
            const int32_t wi = i < (k & ~3) ? (i & ~3) + ((i & 1) << 1) + ((i >> 1) & 1) : i;
            acc[0] += (int32_t)cols[i] * w0[wi];
            acc[2] += (int32_t)cols[k + i] * w0[wi];
          }
        }
        y0[oc] = tfg_requant_channel(q, acc[0], oc);
        if (two) y0[oc + 1] = tfg_requant_channel(q, acc[1], oc + 1);
        if (pair) {
          y1[oc] = tfg_requant_channel(q, acc[2], oc);
          if (two) y1[oc + 1] = tfg_requant_channel(q, acc[3], oc + 1);
        }
      }
    }
  }
  return TFG_OK;
}
