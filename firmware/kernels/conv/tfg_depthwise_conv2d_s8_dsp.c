/* tfg_depthwise_conv2d_s8_dsp: int8 depthwise convolution (depth multiplier 1, no dilation) with Cortex-M DSP
 * 16-bit MACs. Each output row first widens the k_h input rows it reads into a row buffer as int16 (x + input
 * offset; padding 0, so no bounds checks and no folded bias), channel groups of 4 stored as the SXTB16 pairs
 * (c0, c2), (c1, c3) in group-major order, so a tap's 4 channels are one LDRD at a constant offset; the weights are
 * widened the same way once per call. A tap of 4 channels is then two LDRD and four SMLABB/SMLATT; 3×3 windows are
 * fully unrolled. Requantization with SMMULR (tfg_requant_dsp). Scratch: the ring of k_h·G·W_p·8 bytes of rows and the
 * G·k_h·k_w·8 bytes of widened weights, G = ⌈channels / 4⌉, W_p = (out_w − 1)·stride_w + k_w; at most
 * TFG_DW_ROWBUF_BYTES + TFG_DW_WBUF_BYTES (codegen checks). Bit-exact with tfg_depthwise_conv2d_s8 (exact integer sums). */
#include "tfg_dsp.h"

/* acc0..acc3 += x·w for one tap of 4 channels: xp / wp point at the (c0,c2), (c1,c3) int16 pairs */
#define TFG_DW_TAP(xp, wp)                                                                                             \
  do {                                                                                                                 \
    const int32_t xa_ = (int32_t)tfg_load32a(xp), xb_ = (int32_t)tfg_load32a((xp) + 2);                                \
    const int32_t wa_ = (int32_t)tfg_load32a(wp), wb_ = (int32_t)tfg_load32a((wp) + 2);                                \
    a0 = tfg_smlabb(xa_, wa_, a0);                                                                                     \
    a2 = tfg_smlatt(xa_, wa_, a2);                                                                                     \
    a1 = tfg_smlabb(xb_, wb_, a1);                                                                                     \
    a3 = tfg_smlatt(xb_, wb_, a3);                                                                                     \
  } while (0)

/* Widens 4·groups int8 values (channels past `ch` read as 0) to the (c0,c2),(c1,c3) int16 pairs of each group,
 * written `dst_step` int16 apart, each value plus `offset`. */
static void tfg_dw_widen(const int8_t *src, int32_t ch, int32_t groups, int32_t offset, int16_t *dst, size_t dst_step) {
  const int32_t off2 = (int32_t)(((uint32_t)offset & 0xFFFFu) | ((uint32_t)offset << 16));
  int32_t g = 0;
  for (; g < (ch >> 2); ++g, dst += dst_step) {
    const uint32_t v = tfg_load32(src + 4 * g);
    tfg_store32a(dst, tfg_sadd16(tfg_sxtb16(v), off2));
    tfg_store32a(dst + 2, tfg_sadd16(tfg_sxtb16_ror8(v), off2));
  }
  if (g < groups) { /* a partial last group: the missing channels are 0 */
    int16_t t[4] = {0, 0, 0, 0};
    for (int32_t c = 4 * g; c < ch; ++c) t[c - 4 * g] = (int16_t)(src[c] + offset);
    dst[0] = t[0];
    dst[1] = t[2];
    dst[2] = t[1];
    dst[3] = t[3];
  }
}

/* The kernel body, out of line from the public function that checks and carves the scratch (the unrolled taps need
 * every register). */
static TFG_NOINLINE void tfg_dw_body(const tfg_conv_geom16 *geom, const tfg_s8_dsp_quant *q, int32_t input_offset,
                                     const int8_t *in, const int8_t *w, const int32_t *bias4, int8_t *out,
                                     int16_t *rows, int16_t *wts) {
  const tfg_conv_geom16 gv = *geom; /* local copies: the int8 stores below could alias *geom and *q */
  const tfg_conv_geom16 *g = &gv;
  const tfg_s8_dsp_quant qv = *q;
  const int32_t narrow = qv.act_min > -128 || qv.act_max < 127;
  const int32_t ch = g->out_c;
  const int32_t groups = (ch + 3) >> 2;
  const int32_t k_h = g->k_h;
  const int32_t taps = k_h * g->k_w;
  const int32_t wp = (g->out_w - 1) * g->stride_w + g->k_w; /* padded row width the windows read */
  const size_t row = (size_t)groups * (size_t)wp * 4;       /* int16 per buffered input row */
  const size_t gstride = (size_t)wp * 4;                    /* int16 between two channel groups of a row */
  const size_t xstep = 4 * (size_t)g->stride_w;
  const int32_t is3x3 = k_h == 3 && g->k_w == 3;
  /* rows: a ring of k_h widened input rows; wts: [group][tap][4] */
  const int16_t *rowp[TFG_DW_MAX_KH];
  int32_t held[TFG_DW_MAX_KH]; /* the input row each ring slot holds */
  for (int32_t k = 0; k < taps; ++k) tfg_dw_widen(w + (size_t)k * ch, ch, groups, 0, wts + 4 * k, (size_t)taps * 4);
  for (int32_t b = 0; b < g->batch; ++b) {
    const int8_t *img = in + (size_t)b * g->in_h * g->in_w * ch;
    for (int32_t k = 0; k < k_h; ++k) held[k] = INT32_MIN;
    for (int32_t oy = 0; oy < g->out_h; ++oy) {
      /* the k_h input rows of this output row (padded columns and rows 0); a row already in the ring is kept */
      for (int32_t ky = 0; ky < k_h; ++ky) {
        const int32_t iy = oy * g->stride_h - g->pad_top + ky;
        const int32_t slot = ((iy % k_h) + k_h) % k_h;
        int16_t *r = rows + (size_t)slot * row;
        rowp[ky] = r;
        if (held[slot] == iy) continue;
        held[slot] = iy;
        for (int32_t x = 0; x < wp; ++x) {
          const int32_t ix = x - g->pad_left;
          int16_t *d = r + 4 * x;
          if (iy < 0 || iy >= g->in_h || ix < 0 || ix >= g->in_w) {
            for (int32_t gi = 0; gi < groups; ++gi, d += gstride) {
              tfg_store32a(d, 0);
              tfg_store32a(d + 2, 0);
            }
          } else {
            tfg_dw_widen(img + ((size_t)iy * g->in_w + ix) * ch, ch, groups, input_offset, d, gstride);
          }
        }
      }
      int8_t *yrow = out + ((size_t)b * g->out_h + oy) * g->out_w * ch;
      for (int32_t gi = 0; gi < groups; ++gi) {
        const int32_t c = 4 * gi;
        const int16_t *wg = wts + (size_t)gi * taps * 4;
        const int32_t n = ch - c < 4 ? ch - c : 4;
        int8_t *y = yrow + c;
        size_t off = (size_t)gi * gstride;
        for (int32_t ox = 0; ox < g->out_w; ++ox, off += xstep, y += ch) {
          int32_t a0 = bias4[c], a1 = bias4[c + 1], a2 = bias4[c + 2], a3 = bias4[c + 3];
          if (is3x3) {
            const int16_t *x0 = rowp[0] + off, *x1 = rowp[1] + off, *x2 = rowp[2] + off;
            TFG_DW_TAP(x0, wg);
            TFG_DW_TAP(x0 + 4, wg + 4);
            TFG_DW_TAP(x0 + 8, wg + 8);
            TFG_DW_TAP(x1, wg + 12);
            TFG_DW_TAP(x1 + 4, wg + 16);
            TFG_DW_TAP(x1 + 8, wg + 20);
            TFG_DW_TAP(x2, wg + 24);
            TFG_DW_TAP(x2 + 4, wg + 28);
            TFG_DW_TAP(x2 + 8, wg + 32);
          } else {
            const int16_t *wk = wg;
            for (int32_t ky = 0; ky < k_h; ++ky) {
              const int16_t *xr = rowp[ky] + off;
              for (int32_t kx = 0; kx < g->k_w; ++kx, wk += 4) TFG_DW_TAP(xr + 4 * kx, wk);
            }
          }
          if (n == 4) {
            tfg_store4_dsp(&qv, narrow, tfg_requant_dsp_raw(&qv, a0, c), tfg_requant_dsp_raw(&qv, a1, c + 1),
                           tfg_requant_dsp_raw(&qv, a2, c + 2), tfg_requant_dsp_raw(&qv, a3, c + 3), y, y + 1, y + 2,
                           y + 3);
          } else {
            const int32_t acc[4] = {a0, a1, a2, a3};
            for (int32_t j = 0; j < n; ++j) y[j] = tfg_requant_dsp(&qv, acc[j], c + j);
          }
        }
      }
    }
  }
}

tfg_status tfg_depthwise_conv2d_s8_dsp(const tfg_conv_geom16 *g, const tfg_s8_dsp_quant *q, int32_t input_offset,
                                       const int8_t *in, const int8_t *w, const int32_t *bias4, int8_t *out,
                                       void *scratch, int32_t scratch_bytes) {
  if (scratch_bytes < tfg_depthwise_conv2d_s8_dsp_scratch_bytes(g)) return TFG_ERR_ARG;
  /* the ring of k_h widened input rows, then the widened weights */
  const size_t groups = ((size_t)g->out_c + 3) >> 2;
  const size_t wp = (size_t)((g->out_w - 1) * g->stride_w + g->k_w);
  int16_t *const rows = (int16_t *)scratch, *const wts = rows + (size_t)g->k_h * groups * wp * 4;
  tfg_dw_body(g, q, input_offset, in, w, bias4, out, rows, wts);
  return TFG_OK;
}

int32_t tfg_depthwise_conv2d_s8_dsp_scratch_bytes(const tfg_conv_geom16 *g) {
  const int32_t groups = (g->out_c + 3) >> 2;
  const int32_t wp = (g->out_w - 1) * g->stride_w + g->k_w;
  return 8 * groups * g->k_h * (wp + g->k_w);
}
