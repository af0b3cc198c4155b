/* tfg_depthwise_conv2d_s8: portable int8 depthwise convolution, exact like TFLite reference_integer_ops::DepthwiseConvPerChannel.
 * Depth multiplier 1 without dilation (nearly every depthwise layer) runs in chunks of channels: the chunk's weights are
 * copied tap-contiguous onto the stack and input_offset·Σw is folded into the bias, so an interior window (fully inside
 * the input) costs two loads and one multiply-add per tap, with the 3×3 taps unrolled; a border window points its
 * padded taps at a row of input zero points once per pixel instead of testing every tap. Other shapes take the general loop. */
#include "tfg_support.h"

enum { TFG_DW_CHUNK = 16, TFG_DW_MAX_TAPS = 25 };

/* One channel's requantization, unpacked once per chunk: the shifts, the rounding mask and half of
 * tfg_requantize's RoundingDivideByPOT, so each output pays only the multiply and the shifts. */
typedef struct {
  int32_t folded_bias, multiplier, left, right, mask, half;
} tfg_dw_channel;

/* tfg_requantize without the INT32_MIN·INT32_MIN saturation, which the caller ruled out (multiplier ≠ INT32_MIN). */
static inline int8_t tfg_dw_out(int32_t acc, const tfg_dw_channel *ch, const tfg_s8_channel_quant *q) {
  const int64_t ab = (int64_t)(int32_t)((uint32_t)acc << ch->left) * ch->multiplier;
  const int32_t x = (int32_t)((ab + ((int64_t)1 << 30)) >> 31);
  const int32_t threshold = ch->half + (int32_t)((uint32_t)x >> 31);
  const int32_t v = (x >> ch->right) + ((x & ch->mask) > threshold) + q->output_offset;
  return (int8_t)tfg_clamp_i32(v, q->act_min, q->act_max);
}

/* Depth multiplier 1, dilation 1, k_h·k_w ≤ TFG_DW_MAX_TAPS. */
static void tfg_dw_s8_m1(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in, const int8_t *w,
                         const int32_t *bias, int8_t *out) {
  const int32_t in_c = g->in_c, in_h = g->in_h, in_w = g->in_w, k_h = g->k_h, k_w = g->k_w, taps = k_h * k_w;
  const int32_t row_step = in_w * in_c, offset = q->input_offset;
  const int32_t three = k_h == 3 && k_w == 3;
  int8_t wt[TFG_DW_CHUNK * TFG_DW_MAX_TAPS];
  tfg_dw_channel chan[TFG_DW_CHUNK];
  const int8_t *tap[TFG_DW_MAX_TAPS];
  int8_t pad[TFG_DW_CHUNK];
  for (int32_t j = 0; j < TFG_DW_CHUNK; ++j) pad[j] = (int8_t)-offset;
  for (int32_t c0 = 0; c0 < in_c; c0 += TFG_DW_CHUNK) {
    const int32_t n = in_c - c0 < TFG_DW_CHUNK ? in_c - c0 : TFG_DW_CHUNK;
    for (int32_t j = 0; j < n; ++j) {
      int32_t wsum = 0;
      for (int32_t t = 0; t < taps; ++t) {
        const int8_t v = w[(size_t)t * in_c + c0 + j];
        wt[j * taps + t] = v;
        wsum += v;
      }
      tfg_dw_channel *ch = &chan[j];
      const int32_t shift = q->shift[c0 + j];
      ch->folded_bias = (bias ? bias[c0 + j] : 0) + offset * wsum;
      ch->multiplier = q->multiplier[c0 + j];
      ch->left = shift > 0 ? shift : 0;
      ch->right = shift > 0 ? 0 : -shift;
      ch->mask = (int32_t)(((uint32_t)1 << ch->right) - 1u);
      ch->half = ch->mask >> 1;
    }
    for (int32_t b = 0; b < g->batch; ++b) {
      const int8_t *img = in + (size_t)b * in_h * row_step + c0;
      int8_t *dst = out + (size_t)b * g->out_h * g->out_w * in_c + c0;
      for (int32_t oy = 0; oy < g->out_h; ++oy) {
        const int32_t iy0 = oy * g->stride_h - g->pad_top;
        const int32_t ky0 = iy0 < 0 ? -iy0 : 0, ky1 = iy0 + k_h > in_h ? in_h - iy0 : k_h;
        for (int32_t ox = 0; ox < g->out_w; ++ox, dst += in_c) {
          const int32_t ix0 = ox * g->stride_w - g->pad_left;
          const int32_t kx0 = ix0 < 0 ? -ix0 : 0, kx1 = ix0 + k_w > in_w ? in_w - ix0 : k_w;
          if (ky0 == 0 && kx0 == 0 && ky1 == k_h && kx1 == k_w) {
            const int8_t *p = img + (size_t)iy0 * row_step + (size_t)ix0 * in_c;
            const int8_t *k = wt;
            if (three) {
              const int32_t c1 = in_c, c2 = 2 * in_c;
              for (int32_t j = 0; j < n; ++j, ++p, k += 9) {
                const int8_t *p1 = p + row_step, *p2 = p1 + row_step;
                int32_t acc = chan[j].folded_bias;
                acc += p[0] * k[0] + p[c1] * k[1] + p[c2] * k[2];
                acc += p1[0] * k[3] + p1[c1] * k[4] + p1[c2] * k[5];
                acc += p2[0] * k[6] + p2[c1] * k[7] + p2[c2] * k[8];
                dst[j] = tfg_dw_out(acc, &chan[j], q);
              }
            } else {
              for (int32_t j = 0; j < n; ++j, ++p, k += taps) {
                int32_t acc = chan[j].folded_bias;
                const int8_t *row = p, *kk = k;
                for (int32_t r = 0; r < k_h; ++r, row += row_step, kk += k_w) {
                  const int8_t *x = row;
                  for (int32_t s = 0; s < k_w; ++s, x += in_c) acc += *x * kk[s];
                }
                dst[j] = tfg_dw_out(acc, &chan[j], q);
              }
            }
            continue;
          }
          /* Border: a padded tap reads the input zero point (x + offset = 0) from `pad`, so the folded bias holds. */
          for (int32_t ky = 0, t = 0; ky < k_h; ++ky) {
            for (int32_t kx = 0; kx < k_w; ++kx, ++t) {
              const int32_t valid = ky >= ky0 && ky < ky1 && kx >= kx0 && kx < kx1;
              tap[t] = valid ? img + (size_t)(iy0 + ky) * row_step + (size_t)(ix0 + kx) * in_c : pad;
            }
          }
          const int8_t *k = wt;
          for (int32_t j = 0; j < n; ++j, k += taps) {
            int32_t acc = chan[j].folded_bias;
            for (int32_t t = 0; t < taps; ++t) acc += tap[t][j] * k[t];
            dst[j] = tfg_dw_out(acc, &chan[j], q);
          }
        }
      }
    }
  }
}

tfg_status tfg_depthwise_conv2d_s8(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in,
                                   const int8_t *w, const int32_t *bias, int8_t *out) {
  const int32_t m = g->depth_multiplier;
  int32_t fast = m == 1 && g->dil_h == 1 && g->dil_w == 1 && g->k_h * g->k_w <= TFG_DW_MAX_TAPS;
  for (int32_t c = 0; fast && c < g->out_c; ++c) fast = q->multiplier[c] != INT32_MIN;
  if (fast) {
    tfg_dw_s8_m1(g, q, in, w, bias, out);
    return TFG_OK;
  }
  for (int32_t b = 0; b < g->batch; ++b) {
    for (int32_t oy = 0; oy < g->out_h; ++oy) {
      for (int32_t ox = 0; ox < g->out_w; ++ox) {
        const int32_t iy0 = oy * g->stride_h - g->pad_top;
        const int32_t ix0 = ox * g->stride_w - g->pad_left;
        for (int32_t oc = 0; oc < g->out_c; ++oc) {
          const int32_t ic = oc / m;
          int32_t acc = 0;
          for (int32_t ky = 0; ky < g->k_h; ++ky) {
            const int32_t iy = iy0 + ky * g->dil_h;
            if (iy < 0 || iy >= g->in_h) continue;
            for (int32_t kx = 0; kx < g->k_w; ++kx) {
              const int32_t ix = ix0 + kx * g->dil_w;
              if (ix < 0 || ix >= g->in_w) continue;
              acc += ((int32_t)in[(((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c + ic] + q->input_offset) *
                     (int32_t)w[((size_t)ky * g->k_w + kx) * g->out_c + oc];
            }
          }
          if (bias) acc += bias[oc];
          acc = tfg_requantize(acc, q->multiplier[oc], q->shift[oc]) + q->output_offset;
          out[(((size_t)b * g->out_h + oy) * g->out_w + ox) * g->out_c + oc] =
              (int8_t)tfg_clamp_i32(acc, q->act_min, q->act_max);
        }
      }
    }
  }
  return TFG_OK;
}
