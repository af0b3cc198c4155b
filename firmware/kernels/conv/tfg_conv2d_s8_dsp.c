/* tfg_conv2d_s8_dsp: int8 convolution with Cortex-M DSP SMLAD over the channels of each kernel tap, two output channels
 * per pass sharing the input loads (a 1×1 conv is then a dense layer per pixel); no im2col scratch.
 * Bit-exact with tfg_conv2d_s8. */
#include "tfg_support.h"

static inline int8_t tfg_conv_out(const tfg_s8_channel_quant *q, int32_t acc, int32_t oc) {
  acc = tfg_requantize(acc, q->multiplier[oc], q->shift[oc]) + q->output_offset;
  return (int8_t)tfg_clamp_i32(acc, q->act_min, q->act_max);
}

tfg_status tfg_conv2d_s8_dsp(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in, const int8_t *w,
                             const int32_t *bias, int8_t *out) {
  const int32_t group_in = g->in_c / g->groups;
  const int32_t group_out = g->out_c / g->groups;
  const size_t w_stride = (size_t)g->k_h * g->k_w * group_in; /* weights of one output channel */
  for (int32_t b = 0; b < g->batch; ++b) {
    for (int32_t oy = 0; oy < g->out_h; ++oy) {
      const int32_t iy0 = oy * g->stride_h - g->pad_top;
      for (int32_t ox = 0; ox < g->out_w; ++ox) {
        const int32_t ix0 = ox * g->stride_w - g->pad_left;
        int8_t *y = out + (((size_t)b * g->out_h + oy) * g->out_w + ox) * g->out_c;
        for (int32_t grp = 0; grp < g->groups; ++grp) {
          const int32_t oc_end = (grp + 1) * group_out;
          int32_t oc = grp * group_out;
          /* pairs of output channels in this group, then the odd one out */
          for (; oc < oc_end; oc += 2) {
            const int32_t pair = oc + 1 < oc_end;
            int32_t acc0 = bias ? bias[oc] : 0;
            int32_t acc1 = pair && bias ? bias[oc + 1] : 0;
            for (int32_t ky = 0; ky < g->k_h; ++ky) {
              const int32_t iy = iy0 + ky * g->dil_h;
              if (iy < 0 || iy >= g->in_h) continue; /* padding = input zero point contributes 0 */
              for (int32_t kx = 0; kx < g->k_w; ++kx) {
                const int32_t ix = ix0 + kx * g->dil_w;
                if (ix < 0 || ix >= g->in_w) continue;
                const int8_t *x = in + (((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c + (size_t)grp * group_in;
                const int8_t *w0 = w + (size_t)oc * w_stride + ((size_t)ky * g->k_w + kx) * group_in;
                if (pair) tfg_dot2_s8(x, w0, w0 + w_stride, group_in, q->input_offset, &acc0, &acc1);
                else acc0 = tfg_dot1_s8(x, w0, group_in, q->input_offset, acc0);
              }
            }
            y[oc] = tfg_conv_out(q, acc0, oc);
            if (pair) y[oc + 1] = tfg_conv_out(q, acc1, oc + 1);
          }
        }
      }
    }
  }
  return TFG_OK;
}
