/* tfg_depthwise_conv2d_s8_dsp: int8 depthwise convolution (depth multiplier 1, no dilation) with Cortex-M DSP
 * dual 16-bit MACs. Four channels at a time: one word of inputs and one of weights per tap, SXTB16 splits each into
 * (c0,c2) and (c1,c3), SADD16 adds the input offset, SMLABB/SMLATT keep the four channel sums apart. Windows fully
 * inside the image run a 3×3-unrolled path; border windows loop over their in-bounds taps only (padding adds 0).
 * Bit-exact with tfg_depthwise_conv2d_s8 (exact integer sums). */
#include "tfg_support.h"

/* acc[0..3] += Σ over taps (x + offset)·w for channels c..c+3; x and w advance by their row/tap strides. */
static inline void tfg_dw_taps4(const int8_t *x, const int8_t *w, int32_t rows, int32_t cols, size_t x_row, size_t w_row,
                                size_t ch, int32_t off2, int32_t *acc) {
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  for (int32_t r = 0; r < rows; ++r, x += x_row, w += w_row) {
    const int8_t *xp = x;
    const int8_t *wp = w;
    for (int32_t k = 0; k < cols; ++k, xp += ch, wp += ch) {
      const uint32_t xv = tfg_load32(xp);
      const uint32_t wv = tfg_load32(wp);
      const int32_t x02 = tfg_sadd16(tfg_sxtb16(xv), off2);
      const int32_t x13 = tfg_sadd16(tfg_sxtb16_ror8(xv), off2);
      const int32_t w02 = tfg_sxtb16(wv);
      const int32_t w13 = tfg_sxtb16_ror8(wv);
      a0 = tfg_smlabb(x02, w02, a0);
      a2 = tfg_smlatt(x02, w02, a2);
      a1 = tfg_smlabb(x13, w13, a1);
      a3 = tfg_smlatt(x13, w13, a3);
    }
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}

tfg_status tfg_depthwise_conv2d_s8_dsp(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in,
                                       const int8_t *w, const int32_t *bias, int8_t *out) {
  const int32_t ch = g->out_c;
  const int32_t off = q->input_offset;
  const int32_t off2 = (int32_t)(((uint32_t)off & 0xFFFFu) | ((uint32_t)off << 16));
  const size_t x_row = (size_t)g->in_w * ch;
  const size_t w_row = (size_t)g->k_w * ch;
  for (int32_t b = 0; b < g->batch; ++b) {
    const int8_t *img = in + (size_t)b * g->in_h * x_row;
    for (int32_t oy = 0; oy < g->out_h; ++oy) {
      const int32_t iy0 = oy * g->stride_h - g->pad_top;
      const int32_t ky0 = tfg_max_i32(0, -iy0);
      const int32_t ky1 = tfg_min_i32(g->k_h, g->in_h - iy0);
      for (int32_t ox = 0; ox < g->out_w; ++ox) {
        const int32_t ix0 = ox * g->stride_w - g->pad_left;
        const int32_t kx0 = tfg_max_i32(0, -ix0);
        const int32_t kx1 = tfg_min_i32(g->k_w, g->in_w - ix0);
        const int8_t *x = img + (size_t)(iy0 + ky0) * x_row + (size_t)(ix0 + kx0) * ch;
        const int8_t *wt = w + ((size_t)ky0 * g->k_w + kx0) * ch;
        const int32_t rows = ky1 - ky0, cols = kx1 - kx0;
        const int32_t full3x3 = rows == 3 && cols == 3;
        int8_t *y = out + (((size_t)b * g->out_h + oy) * g->out_w + ox) * ch;
        int32_t c = 0;
        for (; c + 4 <= ch; c += 4) {
          int32_t acc[4] = {0, 0, 0, 0};
          if (bias) {
            acc[0] = bias[c];
            acc[1] = bias[c + 1];
            acc[2] = bias[c + 2];
            acc[3] = bias[c + 3];
          }
          /* constant bounds let the compiler unroll the common interior 3×3 window */
          if (full3x3) tfg_dw_taps4(x + c, wt + c, 3, 3, x_row, w_row, (size_t)ch, off2, acc);
          else tfg_dw_taps4(x + c, wt + c, rows, cols, x_row, w_row, (size_t)ch, off2, acc);
          for (int32_t k = 0; k < 4; ++k) y[c + k] = tfg_requant_channel(q, acc[k], c + k);
        }
        for (; c < ch; ++c) {
          int32_t acc = bias ? bias[c] : 0;
          for (int32_t r = 0; r < rows; ++r) {
            for (int32_t k = 0; k < cols; ++k) {
              acc += ((int32_t)x[(size_t)r * x_row + (size_t)k * ch + c] + off) * (int32_t)wt[(size_t)r * w_row + (size_t)k * ch + c];
            }
          }
          y[c] = tfg_requant_channel(q, acc, c);
        }
      }
    }
  }
  return TFG_OK;
}
