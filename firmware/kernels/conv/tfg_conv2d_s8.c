/* tfg_conv2d_s8: reference int8 NHWC convolution (TFLite reference_integer_ops::ConvPerChannel) with groups and dilation.
 * Portable C, and the kernel of the cores without the DSP extension (Cortex-M3, M0), so its loops are arranged for
 * them: the window's taps inside the image are found once per output pixel (padded taps add 0), a window row is one
 * contiguous run of input and of weight bytes when there is one group and no column dilation, and two output channels
 * share each input load, with the sums unrolled by four. Exact integer sums in another order than TFLite's. */
#include "tfg_support.h"

/* First k of [0, k) with start + k·step ≥ 0, and one past the last with start + k·step < size (step ≥ 1). */
static inline int32_t tfg_tap_lo(int32_t start, int32_t step, int32_t k) {
  const int32_t lo = start >= 0 ? 0 : (-start + step - 1) / step;
  return lo < k ? lo : k;
}
static inline int32_t tfg_tap_hi(int32_t start, int32_t step, int32_t size, int32_t k) {
  const int32_t hi = start >= size ? 0 : (size - 1 - start) / step + 1;
  return hi < k ? hi : k;
}

static inline int8_t tfg_conv_ref_out(const tfg_s8_channel_quant *q, int32_t acc, int32_t oc) {
  acc = tfg_requantize(acc, q->multiplier[oc], q->shift[oc]) + q->output_offset;
  return (int8_t)tfg_clamp_i32(acc, q->act_min, q->act_max);
}

tfg_status tfg_conv2d_s8(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in, const int8_t *w,
                         const int32_t *bias, int8_t *out) {
  const int32_t group_in = g->in_c / g->groups;
  const int32_t group_out = g->out_c / g->groups;
  const int32_t offset = q->input_offset;
  const size_t field = (size_t)g->k_h * g->k_w * group_in; /* weights of one output channel */
  /* a window row's inside taps are one run of bytes in the input and in the weights */
  const int32_t rows_are_runs = g->groups == 1 && g->dil_w == 1;
  for (int32_t b = 0; b < g->batch; ++b) {
    const int8_t *img = in + (size_t)b * g->in_h * g->in_w * g->in_c;
    for (int32_t oy = 0; oy < g->out_h; ++oy) {
      const int32_t iy0 = oy * g->stride_h - g->pad_top;
      const int32_t ky_lo = tfg_tap_lo(iy0, g->dil_h, g->k_h), ky_hi = tfg_tap_hi(iy0, g->dil_h, g->in_h, g->k_h);
      for (int32_t ox = 0; ox < g->out_w; ++ox) {
        const int32_t ix0 = ox * g->stride_w - g->pad_left;
        const int32_t kx_lo = tfg_tap_lo(ix0, g->dil_w, g->k_w), kx_hi = tfg_tap_hi(ix0, g->dil_w, g->in_w, g->k_w);
        int8_t *y = out + (((size_t)b * g->out_h + oy) * g->out_w + ox) * g->out_c;
        for (int32_t oc = 0; oc < g->out_c; oc += 2) {
          /* the pair's second channel when it is in the same group, else the first again (computed, not stored) */
          const int32_t pair = oc + 1 < g->out_c && (oc + 1) / group_out == oc / group_out;
          const int32_t ic0 = (oc / group_out) * group_in;
          const int8_t *wa = w + (size_t)oc * field, *wb = pair ? wa + field : wa;
          int32_t acc_a = 0, acc_b = 0;
          for (int32_t ky = ky_lo; ky < ky_hi; ++ky) {
            const int8_t *x_row = img + ((size_t)(iy0 + ky * g->dil_h) * g->in_w) * g->in_c + ic0;
            const size_t w_row = (size_t)ky * g->k_w * group_in;
            if (rows_are_runs) {
              const size_t at = (size_t)kx_lo * group_in;
              tfg_dot2_ref_s8(x_row + (size_t)(ix0 + kx_lo) * g->in_c, wa + w_row + at, wb + w_row + at,
                              (kx_hi - kx_lo) * group_in, offset, &acc_a, &acc_b);
              continue;
            }
            for (int32_t kx = kx_lo; kx < kx_hi; ++kx) {
              const size_t at = w_row + (size_t)kx * group_in;
              tfg_dot2_ref_s8(x_row + (size_t)(ix0 + kx * g->dil_w) * g->in_c, wa + at, wb + at, group_in, offset,
                              &acc_a, &acc_b);
            }
          }
          y[oc] = tfg_conv_ref_out(q, acc_a + (bias ? bias[oc] : 0), oc);
          if (pair) {
            y[oc + 1] = tfg_conv_ref_out(q, acc_b + (bias ? bias[oc + 1] : 0), oc + 1);
          } else {
            oc -= 1; /* the next pair starts at the next channel (a group boundary or the end) */
          }
        }
      }
    }
  }
  return TFG_OK;
}
