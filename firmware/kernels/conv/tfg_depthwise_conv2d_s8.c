/* tfg_depthwise_conv2d_s8: portable int8 depthwise convolution, exact like TFLite reference_integer_ops::DepthwiseConvPerChannel.
 * Depth multiplier 1 without dilation, windows of up to 9 taps (nearly every depthwise layer), runs in chunks of channels: the chunk's weights are
 * copied tap-contiguous onto the stack and input_offset·Σw is folded into the bias, so an interior window (fully inside
 * the input) costs two loads and one multiply-add per tap, with the 3×3 taps unrolled and vertically adjacent 3×3
 * windows paired to share weight loads; a border window points its padded taps at a row of input zero points once per
 * pixel instead of testing every tap. Other shapes take the general loop. */
#include "tfg_support.h"

enum { TFG_DW_CHUNK = 16, TFG_DW_MAX_TAPS = 9 };

/* One channel's requantization, unpacked once per chunk (12 bytes, so a chunk stays small on the stack). */
typedef struct {
  int32_t folded_bias, multiplier;
  int16_t left, right;
} tfg_dw_channel;

/* tfg_requantize without the INT32_MIN·INT32_MIN saturation, which the caller ruled out (multiplier ≠ INT32_MIN). */
static inline int8_t tfg_dw_out(int32_t acc, const tfg_dw_channel *ch, const tfg_s8_channel_quant *q) {
  const int64_t ab = (int64_t)(int32_t)((uint32_t)acc << ch->left) * ch->multiplier;
  const int32_t x = (int32_t)((ab + ((int64_t)1 << 30)) >> 31);
  const int32_t mask = (int32_t)(((uint32_t)1 << ch->right) - 1u);
  const int32_t threshold = (mask >> 1) + (int32_t)((uint32_t)x >> 31);
  const int32_t v = (x >> ch->right) + ((x & mask) > threshold) + q->output_offset;
  return (int8_t)tfg_clamp_i32(v, q->act_min, q->act_max);
}

/* A chunk of up to TFG_DW_CHUNK channels: weights tap-contiguous, per-channel requantization, the pad row. */
typedef struct {
  int8_t wt[TFG_DW_CHUNK * TFG_DW_MAX_TAPS];
  tfg_dw_channel chan[TFG_DW_CHUNK];
  int8_t pad[TFG_DW_CHUNK];
  int32_t n, taps;
} tfg_dw_chunk;

/* One output pixel of the chunk: window at input (iy0, ix0), clipped to taps [ky0, ky1) × [kx0, kx1). */
static void tfg_dw_pixel(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const tfg_dw_chunk *ck,
                         const int8_t *img, int32_t iy0, int32_t ix0, int32_t ky0, int32_t ky1, int8_t *dst) {
  const int32_t in_c = g->in_c, row_step = g->in_w * in_c, k_h = g->k_h, k_w = g->k_w, taps = ck->taps, n = ck->n;
  const int32_t kx0 = ix0 < 0 ? -ix0 : 0, kx1 = ix0 + k_w > g->in_w ? g->in_w - ix0 : k_w;
  const int8_t *k = ck->wt;
  if (ky0 == 0 && kx0 == 0 && ky1 == k_h && kx1 == k_w) {
    const int8_t *p = img + (size_t)iy0 * row_step + (size_t)ix0 * in_c;
    if (taps == 9 && k_w == 3) {
      const int32_t c1 = in_c, c2 = 2 * in_c;
      for (int32_t j = 0; j < n; ++j, ++p, k += 9) {
        const int8_t *p1 = p + row_step, *p2 = p1 + row_step;
        int32_t acc = ck->chan[j].folded_bias;
        acc += p[0] * k[0] + p[c1] * k[1] + p[c2] * k[2];
        acc += p1[0] * k[3] + p1[c1] * k[4] + p1[c2] * k[5];
        acc += p2[0] * k[6] + p2[c1] * k[7] + p2[c2] * k[8];
        dst[j] = tfg_dw_out(acc, &ck->chan[j], q);
      }
      return;
    }
    for (int32_t j = 0; j < n; ++j, ++p, k += taps) {
      int32_t acc = ck->chan[j].folded_bias;
      const int8_t *row = p, *kk = k;
      for (int32_t r = 0; r < k_h; ++r, row += row_step, kk += k_w) {
        const int8_t *x = row;
        for (int32_t s = 0; s < k_w; ++s, x += in_c) acc += *x * kk[s];
      }
      dst[j] = tfg_dw_out(acc, &ck->chan[j], q);
    }
    return;
  }
  /* Border: a padded tap reads the input zero point (x + offset = 0) from the pad row, so the folded bias holds. */
  const int8_t *tap[TFG_DW_MAX_TAPS];
  for (int32_t ky = 0, t = 0; ky < k_h; ++ky) {
    for (int32_t kx = 0; kx < k_w; ++kx, ++t) {
      const int32_t valid = ky >= ky0 && ky < ky1 && kx >= kx0 && kx < kx1;
      tap[t] = valid ? img + (size_t)(iy0 + ky) * row_step + (size_t)(ix0 + kx) * in_c : ck->pad;
    }
  }
  if (taps == 9) {
    const int8_t *t0 = tap[0], *t1 = tap[1], *t2 = tap[2], *t3 = tap[3], *t4 = tap[4], *t5 = tap[5], *t6 = tap[6],
                 *t7 = tap[7], *t8 = tap[8];
    for (int32_t j = 0; j < n; ++j, k += 9) {
      int32_t acc = ck->chan[j].folded_bias;
      acc += t0[j] * k[0] + t1[j] * k[1] + t2[j] * k[2] + t3[j] * k[3] + t4[j] * k[4];
      acc += t5[j] * k[5] + t6[j] * k[6] + t7[j] * k[7] + t8[j] * k[8];
      dst[j] = tfg_dw_out(acc, &ck->chan[j], q);
    }
    return;
  }
  for (int32_t j = 0; j < n; ++j, k += taps) {
    int32_t acc = ck->chan[j].folded_bias;
    for (int32_t t = 0; t < taps; ++t) acc += tap[t][j] * k[t];
    dst[j] = tfg_dw_out(acc, &ck->chan[j], q);
  }
}

/* Two vertically adjacent interior 3×3 windows (rows iy0 and iy0 + stride_h) share each weight load. */
static void tfg_dw_pair3x3(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const tfg_dw_chunk *ck,
                           const int8_t *p, int8_t *dst_a, int8_t *dst_b) {
  const int32_t c1 = g->in_c, c2 = 2 * g->in_c, row_step = g->in_w * g->in_c;
  const int32_t below = g->stride_h * row_step, n = ck->n;
  const int8_t *k = ck->wt;
  for (int32_t j = 0; j < n; ++j, ++p, k += 9) {
    int32_t a = ck->chan[j].folded_bias, b = a;
    const int8_t *r = p;
    for (int32_t ky = 0; ky < 3; ++ky, r += row_step) {
      const int32_t w0 = k[3 * ky], w1 = k[3 * ky + 1], w2 = k[3 * ky + 2];
      const int8_t *s = r + below;
      a += r[0] * w0 + r[c1] * w1 + r[c2] * w2;
      b += s[0] * w0 + s[c1] * w1 + s[c2] * w2;
    }
    dst_a[j] = tfg_dw_out(a, &ck->chan[j], q);
    dst_b[j] = tfg_dw_out(b, &ck->chan[j], q);
  }
}

/* Depth multiplier 1, dilation 1, k_h·k_w ≤ TFG_DW_MAX_TAPS. */
static void tfg_dw_s8_m1(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in, const int8_t *w,
                         const int32_t *bias, int8_t *out) {
  const int32_t in_c = g->in_c, in_h = g->in_h, k_h = g->k_h, k_w = g->k_w, offset = q->input_offset;
  const int32_t row_step = g->in_w * in_c, out_row = g->out_w * in_c;
  tfg_dw_chunk ck;
  ck.taps = k_h * k_w;
  for (int32_t j = 0; j < TFG_DW_CHUNK; ++j) ck.pad[j] = (int8_t)-offset;
  for (int32_t c0 = 0; c0 < in_c; c0 += TFG_DW_CHUNK) {
    ck.n = in_c - c0 < TFG_DW_CHUNK ? in_c - c0 : TFG_DW_CHUNK;
    for (int32_t j = 0; j < ck.n; ++j) {
      int32_t wsum = 0;
      for (int32_t t = 0; t < ck.taps; ++t) {
        const int8_t v = w[(size_t)t * in_c + c0 + j];
        ck.wt[j * ck.taps + t] = v;
        wsum += v;
      }
      tfg_dw_channel *ch = &ck.chan[j];
      const int32_t shift = q->shift[c0 + j];
      ch->folded_bias = (bias ? bias[c0 + j] : 0) + offset * wsum;
      ch->multiplier = q->multiplier[c0 + j];
      ch->left = (int16_t)(shift > 0 ? shift : 0);
      ch->right = (int16_t)(shift > 0 ? 0 : -shift);
    }
    for (int32_t b = 0; b < g->batch; ++b) {
      const int8_t *img = in + (size_t)b * in_h * row_step + c0;
      int8_t *plane = out + (size_t)b * g->out_h * out_row + c0;
      for (int32_t oy = 0; oy < g->out_h;) {
        const int32_t iy0 = oy * g->stride_h - g->pad_top, iy1 = iy0 + g->stride_h;
        const int32_t ky0 = iy0 < 0 ? -iy0 : 0, ky1 = iy0 + k_h > in_h ? in_h - iy0 : k_h;
        const int32_t pair = ck.taps == 9 && k_w == 3 && oy + 1 < g->out_h && iy0 >= 0 && iy1 + 3 <= in_h;
        int8_t *dst = plane + (size_t)oy * out_row;
        for (int32_t ox = 0; ox < g->out_w; ++ox, dst += in_c) {
          const int32_t ix0 = ox * g->stride_w - g->pad_left;
          if (pair && ix0 >= 0 && ix0 + 3 <= g->in_w) {
            tfg_dw_pair3x3(g, q, &ck, img + (size_t)iy0 * row_step + (size_t)ix0 * in_c, dst, dst + out_row);
            continue;
          }
          tfg_dw_pixel(g, q, &ck, img, iy0, ix0, ky0, ky1, dst);
          if (pair) tfg_dw_pixel(g, q, &ck, img, iy1, ix0, 0, 3, dst + out_row);
        }
        oy += pair ? 2 : 1;
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
