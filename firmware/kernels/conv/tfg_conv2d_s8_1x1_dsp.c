/* tfg_conv2d_s8_1x1_dsp: int8 pointwise (1×1, no padding, one group) convolution as a GEMM over pixels with Cortex-M
 * DSP SMLAD: 2 pixels × 2 output channels per inner loop, no im2col (a pixel's channels are contiguous in NHWC).
 * The input offset is folded into folded_bias by codegen, so the inner loop is loads, SXTB16 and SMLAD only.
 * Bit-exact with tfg_conv2d_s8 (exact integer sums). */
#include "tfg_support.h"

/* Input pixel p (0 ≤ p < batch·out_h·out_w) under the stride. */
static inline const int8_t *tfg_1x1_pixel(const tfg_conv_geom *g, const int8_t *in, int32_t p) {
  const int32_t per_img = g->out_h * g->out_w;
  const int32_t b = p / per_img, r = p % per_img;
  const int32_t iy = (r / g->out_w) * g->stride_h, ix = (r % g->out_w) * g->stride_w;
  return in + (((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c;
}

tfg_status tfg_conv2d_s8_1x1_dsp(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in,
                                 const int8_t *w, const int32_t *folded_bias, int8_t *out) {
  const int32_t n_in = g->in_c;
  const int32_t n_out = g->out_c;
  const int32_t pixels = g->batch * g->out_h * g->out_w;
  for (int32_t p = 0; p < pixels; p += 2) {
    const int32_t pair = p + 1 < pixels;
    const int8_t *x0 = tfg_1x1_pixel(g, in, p);
    const int8_t *x1 = pair ? tfg_1x1_pixel(g, in, p + 1) : x0; /* odd last pixel: computed twice, stored once */
    int8_t *y0 = out + (size_t)p * n_out;
    int8_t *y1 = y0 + n_out;
    int32_t oc = 0;
    for (; oc + 2 <= n_out; oc += 2) {
      const int8_t *w0 = w + (size_t)oc * n_in;
      int32_t acc[4] = {folded_bias[oc], folded_bias[oc + 1], folded_bias[oc], folded_bias[oc + 1]};
      tfg_mac2x2_s8(x0, (size_t)(x1 - x0), w0, (size_t)n_in, n_in, acc);
      y0[oc] = tfg_requant_channel(q, acc[0], oc);
      y0[oc + 1] = tfg_requant_channel(q, acc[1], oc + 1);
      if (pair) {
        y1[oc] = tfg_requant_channel(q, acc[2], oc);
        y1[oc + 1] = tfg_requant_channel(q, acc[3], oc + 1);
      }
    }
    if (oc < n_out) {
      const int8_t *w0 = w + (size_t)oc * n_in;
      int32_t acc[4] = {folded_bias[oc], folded_bias[oc], folded_bias[oc], folded_bias[oc]};
      tfg_mac2x2_s8(x0, (size_t)(x1 - x0), w0, 0, n_in, acc);
      y0[oc] = tfg_requant_channel(q, acc[0], oc);
      if (pair) y1[oc] = tfg_requant_channel(q, acc[2], oc);
    }
  }
  return TFG_OK;
}
