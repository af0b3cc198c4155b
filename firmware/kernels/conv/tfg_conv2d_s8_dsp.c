/* tfg_conv2d_s8_dsp: int8 convolution with Cortex-M DSP SMLAD. Per output pixel and group, the receptive field is
 * gathered into the scratch (im2col of one column, padded taps set to the input zero point so they add 0), then every
 * pair of output channels is one contiguous dot product against its OHWI weights. Receptive fields larger than
 * TFG_CONV_COL_MAX use per-tap dot products instead (no scratch). Bit-exact with tfg_conv2d_s8 (exact integer sums). */
#include "tfg_dsp.h"

static inline int8_t tfg_conv_out(const tfg_s8_channel_quant *q, int32_t acc, int32_t oc) {
  acc = tfg_requantize(acc, q->multiplier[oc], q->shift[oc]) + q->output_offset;
  return (int8_t)tfg_clamp_i32(acc, q->act_min, q->act_max);
}

tfg_status tfg_conv2d_s8_dsp(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in, const int8_t *w,
                             const int32_t *bias, int8_t *out, void *scratch, int32_t scratch_bytes) {
  if (scratch_bytes < tfg_conv2d_s8_dsp_scratch_bytes(g)) return TFG_ERR_ARG;
  const int32_t group_in = g->in_c / g->groups;
  const int32_t group_out = g->out_c / g->groups;
  const int32_t field = g->k_h * g->k_w * group_in;    /* weights of one output channel, contiguous in OHWI */
  const int8_t pad_value = (int8_t)(-q->input_offset); /* the input zero point: (zp + offset)·w = 0 */
  int8_t *const col = (int8_t *)scratch;
  for (int32_t b = 0; b < g->batch; ++b) {
    for (int32_t oy = 0; oy < g->out_h; ++oy) {
      const int32_t iy0 = oy * g->stride_h - g->pad_top;
      for (int32_t ox = 0; ox < g->out_w; ++ox) {
        const int32_t ix0 = ox * g->stride_w - g->pad_left;
        int8_t *y = out + (((size_t)b * g->out_h + oy) * g->out_w + ox) * g->out_c;
        for (int32_t grp = 0; grp < g->groups; ++grp) {
          const int32_t oc_end = (grp + 1) * group_out;
          if (field <= TFG_CONV_COL_MAX) {
            int8_t *dst = col;
            for (int32_t ky = 0; ky < g->k_h; ++ky) {
              const int32_t iy = iy0 + ky * g->dil_h;
              for (int32_t kx = 0; kx < g->k_w; ++kx, dst += group_in) {
                const int32_t ix = ix0 + kx * g->dil_w;
                if (iy < 0 || iy >= g->in_h || ix < 0 || ix >= g->in_w) {
                  for (int32_t c = 0; c < group_in; ++c) dst[c] = pad_value;
                } else {
                  const int8_t *src =
                      in + (((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c + (size_t)grp * group_in;
                  for (int32_t c = 0; c < group_in; ++c) dst[c] = src[c];
                }
              }
            }
            int32_t oc = grp * group_out;
            for (; oc + 2 <= oc_end; oc += 2) {
              const int8_t *w0 = w + (size_t)oc * field;
              int32_t acc0 = bias ? bias[oc] : 0;
              int32_t acc1 = bias ? bias[oc + 1] : 0;
              tfg_dot2_s8(col, w0, w0 + field, field, q->input_offset, &acc0, &acc1);
              y[oc] = tfg_conv_out(q, acc0, oc);
              y[oc + 1] = tfg_conv_out(q, acc1, oc + 1);
            }
            if (oc < oc_end)
              y[oc] = tfg_conv_out(
                  q, tfg_dot1_s8(col, w + (size_t)oc * field, field, q->input_offset, bias ? bias[oc] : 0), oc);
            continue;
          }
          /* large receptive field: per-tap dot products over the group's channels, two output channels at a time */
          for (int32_t oc = grp * group_out; oc < oc_end; oc += 2) {
            const int32_t pair = oc + 1 < oc_end;
            int32_t acc0 = bias ? bias[oc] : 0;
            int32_t acc1 = pair && bias ? bias[oc + 1] : 0;
            for (int32_t ky = 0; ky < g->k_h; ++ky) {
              const int32_t iy = iy0 + ky * g->dil_h;
              if (iy < 0 || iy >= g->in_h) continue; /* padding contributes 0 */
              for (int32_t kx = 0; kx < g->k_w; ++kx) {
                const int32_t ix = ix0 + kx * g->dil_w;
                if (ix < 0 || ix >= g->in_w) continue;
                const int8_t *x = in + (((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c + (size_t)grp * group_in;
                const int8_t *w0 = w + (size_t)oc * field + ((size_t)ky * g->k_w + kx) * group_in;
                if (pair)
                  tfg_dot2_s8(x, w0, w0 + field, group_in, q->input_offset, &acc0, &acc1);
                else
                  acc0 = tfg_dot1_s8(x, w0, group_in, q->input_offset, acc0);
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

int32_t tfg_conv2d_s8_dsp_scratch_bytes(const tfg_conv_geom *g) {
  const int32_t field = g->k_h * g->k_w * (g->in_c / g->groups);
  return field <= TFG_CONV_COL_MAX ? field : 0;
}
