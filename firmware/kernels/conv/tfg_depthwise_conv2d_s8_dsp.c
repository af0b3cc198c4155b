/* tfg_depthwise_conv2d_s8_dsp: int8 depthwise convolution (depth multiplier 1, no dilation) with Cortex-M DSP
 * 16-bit MACs, in two shapes.
 *
 * 3×3 at stride 1 over planes of ≥ 64 outputs (KWS, MobileNet's larger layers): one channel at a time over its whole plane. The channel is copied with
 * its padding into a plane of (out_h + 2)·(out_w + 2) int8 in the scratch, in lines along the longer output side; the
 * padding is the input zero point and the input offset is folded into the bias (bias + offset·Σw), so padded taps add
 * exactly 0 and the interior needs neither bounds checks nor an offset. Two neighbouring outputs per step: one
 * unaligned LDR of x[i..i+3] per window line, SXTB16 and SXTB16 ROR 8 give (x0, x2) and (x1, x3), so each output takes
 * its outer taps with one SMLAD against (w0, w2) and its middle tap with one 16×16 MAC; the channel's weights (doubled,
 * so the sum is SMMULR's 2·acc operand), bias and requantization stay in registers.
 *
 * Other windows: each output row first widens the k_h input rows it reads into a row buffer as int16 (x + input
 * offset; padding 0, so no bounds checks and no folded bias), channel groups of 4 stored as the SXTB16 pairs
 * (c0, c2), (c1, c3) in group-major order, so a tap's 4 channels are one LDRD at a constant offset; the weights are
 * widened the same way once per call. A tap of 4 channels is then two LDRD and four SMLABB/SMLATT; 3×3 windows are
 * fully unrolled. Scratch: the ring of k_h·G·W_p·8 bytes of rows and the G·k_h·k_w·8 bytes of widened weights,
 * G = ⌈channels / 4⌉, W_p = (out_w − 1)·stride_w + k_w.
 *
 * Requantization with SMMULR (tfg_requant_dsp). Scratch at most TFG_DW_ROWBUF_BYTES + TFG_DW_WBUF_BYTES (codegen
 * checks). Bit-exact with tfg_depthwise_conv2d_s8 (exact integer sums). */
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

#if defined(__GNUC__)
#define TFG_DW_INLINE static inline __attribute__((always_inline))
#else
#define TFG_DW_INLINE static inline
#endif

/* The plane path: 3×3 at stride 1 with at least TFG_DW_PLANE_MIN_OUTPUTS outputs per channel (below that the
 * per-channel copy and setup cost more than the SMLAD pairs save: MobileNet's 6×6 and 3×3 layers). */
static int32_t tfg_dw_is3x3s1(const tfg_conv_geom16 *g) {
  return g->k_h == 3 && g->k_w == 3 && g->stride_h == 1 && g->stride_w == 1 &&
         g->out_h * g->out_w >= TFG_DW_PLANE_MIN_OUTPUTS;
}

/* The 3×3 stride-1 path's plane: one channel padded to (out_h + 2)·(out_w + 2) int8, and 4 bytes the last line's word
 * load may read past its end. */
static int32_t tfg_dw_plane_bytes(const tfg_conv_geom16 *g) { return (g->out_h + 2) * (g->out_w + 2) + 4; }

/* How the plane is walked: in lines along the longer output side (transposed when out_h > out_w, so KWS's 25×5
 * outputs make 5 lines of 25, not 25 lines of 5 with a lone last output each). */
typedef struct {
  int32_t lines, per_line; /* output lines, outputs per line */
  int32_t len;             /* plane bytes per line: per_line + 2 */
  int32_t y_step, y_line;  /* output elements between neighbours along a line, between lines */
  int32_t transposed;
} tfg_dw_walk;

static tfg_dw_walk tfg_dw_walk_of(const tfg_conv_geom16 *g) {
  tfg_dw_walk w;
  w.transposed = g->out_h > g->out_w;
  w.lines = w.transposed ? g->out_w : g->out_h;
  w.per_line = w.transposed ? g->out_h : g->out_w;
  w.len = w.per_line + 2;
  w.y_step = w.transposed ? g->out_w * g->out_c : g->out_c;
  w.y_line = w.transposed ? g->out_c : g->out_w * g->out_c;
  return w;
}

/* Channel c of one image into the plane, padded with `pad` (the input zero point): line by line, so the writes are
 * contiguous and the inner loop runs along the line (the source stride is the channel count, or a whole input row
 * for a transposed walk). */
static void tfg_dw_fill_plane(const tfg_conv_geom16 *g, const tfg_dw_walk *wk, const int8_t *img, int32_t c, int8_t pad,
                              int8_t *plane) {
  const int32_t ch = g->out_c, len = wk->len, t = wk->transposed;
  const int32_t across_pad = t ? g->pad_left : g->pad_top, across_n = t ? g->in_w : g->in_h;
  const int32_t along_pad = t ? g->pad_top : g->pad_left, along_n = t ? g->in_h : g->in_w;
  const size_t step = t ? (size_t)g->in_w * ch : (size_t)ch, line_step = t ? (size_t)ch : (size_t)g->in_w * ch;
  const int32_t lead = along_pad < len ? along_pad : len;
  const int32_t stop = along_n + along_pad < len ? along_n + along_pad : len; /* first padded position after */
  for (int32_t line = 0; line < wk->lines + 2; ++line) {
    int8_t *d = plane + (size_t)line * len;
    const int32_t i = line - across_pad;
    int32_t p = 0;
    if (i < 0 || i >= across_n) {
      for (; p < len; ++p) d[p] = pad;
      continue;
    }
    const int8_t *src = img + (size_t)i * line_step + c;
    for (; p < lead; ++p) d[p] = pad;
    for (; p + 4 <= stop; p += 4, src += 4 * step) {
      const int8_t v0 = src[0], v1 = src[step], v2 = src[2 * step], v3 = src[3 * step];
      d[p] = v0;
      d[p + 1] = v1;
      d[p + 2] = v2;
      d[p + 3] = v3;
    }
    for (; p < stop; ++p, src += step) d[p] = *src;
    for (; p < len; ++p) d[p] = pad;
  }
}

/* One requantized output from a doubled accumulator (acc2 = 2·acc; see tfg_dw3x3_channel): the SMMULR path of
 * tfg_requant_dsp_raw with its two roundings merged into one shift, floor((floor(h / 2^e) + ro) / 2) =
 * (h + ro·2^e) >> (e + 1), with rr = ro·2^e and e1 = e + 1 in registers; or, for `general` channels, whose accumulator
 * is not doubled, the general path with e1 = the channel's shift. Clamped to the activation: SSAT alone unless the range is narrower than int8. */
TFG_DW_INLINE int8_t tfg_dw_out(int32_t acc2, int32_t m, int32_t e1, int32_t rr, const tfg_s8_dsp_quant *q,
                                int32_t narrow, int32_t general) {
  int32_t v;
  if (general) {
    v = tfg_requant_dsp_general(acc2, m, e1, q->output_offset);
  } else {
    const int32_t h = tfg_smmulr(acc2, m);
    v = (h + (h >> 31) + rr) >> e1;
  }
  return (int8_t)(narrow ? tfg_clamp_i32(v, q->act_min, q->act_max) : tfg_ssat8(v));
}

static int32_t tfg_dw_pack16(int32_t lo, int32_t hi) {
  return (int32_t)(((uint32_t)lo & 0xFFFFu) | ((uint32_t)hi << 16));
}

/* One channel's plane through its 3×3 window, w9 in walk order (window line a, position b along it: w9[3a + b]).
 * The SMMULR channels double the weights and the bias, so the sums come out as 2·acc, the operand SMMULR takes
 * (exact: codegen proved |acc| < 2^30 for them, and the sums wrap like the reference's int32). `narrow` and
 * `general` are constants at each call, so each combination gets its own loop. */
TFG_DW_INLINE void tfg_dw3x3_channel(const tfg_dw_walk *wk, const tfg_s8_dsp_quant *q, const int8_t *plane,
                                     const int32_t *w9, int32_t bias, int8_t *y, int32_t c, int32_t narrow,
                                     int32_t general) {
  const int32_t len = wk->len, per_line = wk->per_line, y_step = wk->y_step;
  const int32_t k = general ? 1 : 2;
  const int32_t m = q->multiplier[c], e = q->shift_code[c];
  const int32_t e1 = general ? (e < 0 ? e + 64 : -1 - e) : e + 1; /* shift codes: tfg_requant_dsp_raw */
  const int32_t rr = general ? 0 : (int32_t)((uint32_t)q->round_offset << e);
  const int32_t b2 = (int32_t)((uint32_t)bias * (uint32_t)k);
  /* per window line: (w0, w2) for SMLAD; the middle taps as (w1 of line 0, w1 of line 1) and (w1 of line 2, 0) */
  const int32_t w02a = tfg_dw_pack16(k * w9[0], k * w9[2]);
  const int32_t w02b = tfg_dw_pack16(k * w9[3], k * w9[5]);
  const int32_t w02c = tfg_dw_pack16(k * w9[6], k * w9[8]);
  const int32_t wmid = tfg_dw_pack16(k * w9[1], k * w9[4]);
  const int32_t wlast = k * w9[7];
  for (int32_t line = 0; line < wk->lines; ++line, y += wk->y_line) {
    const int8_t *r = plane + (size_t)line * len;
    const int8_t *const r_end = r + (per_line & ~1);
    int8_t *yo = y;
    for (; r < r_end; r += 2, yo += 2 * y_step) {
      uint32_t x = tfg_load32(r);
      int32_t ev = tfg_sxtb16(x), od = tfg_sxtb16_ror8(x);
      int32_t a0 = tfg_smlad(ev, w02a, b2), a1 = tfg_smlad(od, w02a, b2);
      a0 = tfg_smlabb(od, wmid, a0);
      a1 = tfg_smlatb(ev, wmid, a1);
      x = tfg_load32(r + len);
      ev = tfg_sxtb16(x);
      od = tfg_sxtb16_ror8(x);
      a0 = tfg_smlad(ev, w02b, a0);
      a1 = tfg_smlad(od, w02b, a1);
      a0 = tfg_smlabt(od, wmid, a0);
      a1 = tfg_smlatt(ev, wmid, a1);
      x = tfg_load32(r + 2 * len);
      ev = tfg_sxtb16(x);
      od = tfg_sxtb16_ror8(x);
      a0 = tfg_smlad(ev, w02c, a0);
      a1 = tfg_smlad(od, w02c, a1);
      a0 = tfg_smlabb(od, wlast, a0);
      a1 = tfg_smlatb(ev, wlast, a1);
      yo[0] = tfg_dw_out(a0, m, e1, rr, q, narrow, general);
      yo[y_step] = tfg_dw_out(a1, m, e1, rr, q, narrow, general);
    }
    if (per_line & 1) { /* the last output alone (its load reads one plane byte it does not use) */
      const uint32_t x0 = tfg_load32(r), x1 = tfg_load32(r + len), x2 = tfg_load32(r + 2 * len);
      int32_t a0 = tfg_smlad(tfg_sxtb16(x0), w02a, b2);
      a0 = tfg_smlabb(tfg_sxtb16_ror8(x0), wmid, a0);
      a0 = tfg_smlad(tfg_sxtb16(x1), w02b, a0);
      a0 = tfg_smlabt(tfg_sxtb16_ror8(x1), wmid, a0);
      a0 = tfg_smlad(tfg_sxtb16(x2), w02c, a0);
      a0 = tfg_smlabb(tfg_sxtb16_ror8(x2), wlast, a0);
      yo[0] = tfg_dw_out(a0, m, e1, rr, q, narrow, general);
    }
  }
}

static TFG_NOINLINE void tfg_dw3x3s1_body(const tfg_conv_geom16 *geom, const tfg_s8_dsp_quant *q, int32_t input_offset,
                                          const int8_t *in, const int8_t *w, const int32_t *bias4, int8_t *out,
                                          int8_t *plane) {
  const tfg_conv_geom16 gv = *geom; /* local copies: the int8 stores could alias *geom and *q */
  const tfg_s8_dsp_quant qv = *q;
  const tfg_dw_walk wk = tfg_dw_walk_of(&gv);
  const int32_t narrow = qv.act_min > -128 || qv.act_max < 127;
  const int32_t ch = gv.out_c;
  const int8_t pad = (int8_t)(-input_offset);
  for (int32_t b = 0; b < gv.batch; ++b) {
    const int8_t *img = in + (size_t)b * gv.in_h * gv.in_w * ch;
    int8_t *yb = out + (size_t)b * gv.out_h * gv.out_w * ch;
    for (int32_t c = 0; c < ch; ++c) {
      tfg_dw_fill_plane(&gv, &wk, img, c, pad, plane);
      int32_t w9[9], wsum = 0;
      for (int32_t a = 0; a < 3; ++a) {
        for (int32_t k = 0; k < 3; ++k) { /* w is [ky][kx]; a transposed walk reads it as [kx][ky] */
          const int32_t v = w[(wk.transposed ? k * 3 + a : a * 3 + k) * ch + c];
          w9[a * 3 + k] = v;
          wsum += v;
        }
      }
      const int32_t bias = (int32_t)((uint32_t)bias4[c] + (uint32_t)input_offset * (uint32_t)wsum);
      /* SMMULR channels whose merged rounding term ro·2^e stays below 2^29 (|ro| ≤ 255) */
      if (qv.shift_code[c] < 0 || qv.shift_code[c] > 21) {
        tfg_dw3x3_channel(&wk, &qv, plane, w9, bias, yb + c, c, narrow, 1);
      } else if (narrow) {
        tfg_dw3x3_channel(&wk, &qv, plane, w9, bias, yb + c, c, 1, 0);
      } else {
        tfg_dw3x3_channel(&wk, &qv, plane, w9, bias, yb + c, c, 0, 0);
      }
    }
  }
}

tfg_status tfg_depthwise_conv2d_s8_dsp(const tfg_conv_geom16 *g, const tfg_s8_dsp_quant *q, int32_t input_offset,
                                       const int8_t *in, const int8_t *w, const int32_t *bias4, int8_t *out,
                                       void *scratch, int32_t scratch_bytes) {
  if (scratch_bytes < tfg_depthwise_conv2d_s8_dsp_scratch_bytes(g)) return TFG_ERR_ARG;
  if (tfg_dw_is3x3s1(g)) {
    tfg_dw3x3s1_body(g, q, input_offset, in, w, bias4, out, (int8_t *)scratch);
    return TFG_OK;
  }
  /* the ring of k_h widened input rows, then the widened weights */
  const size_t groups = ((size_t)g->out_c + 3) >> 2;
  const size_t wp = (size_t)((g->out_w - 1) * g->stride_w + g->k_w);
  int16_t *const rows = (int16_t *)scratch, *const wts = rows + (size_t)g->k_h * groups * wp * 4;
  tfg_dw_body(g, q, input_offset, in, w, bias4, out, rows, wts);
  return TFG_OK;
}

int32_t tfg_depthwise_conv2d_s8_dsp_scratch_bytes(const tfg_conv_geom16 *g) {
  if (tfg_dw_is3x3s1(g)) return tfg_dw_plane_bytes(g);
  const int32_t groups = (g->out_c + 3) >> 2;
  const int32_t wp = (g->out_w - 1) * g->stride_w + g->k_w;
  return 8 * groups * g->k_h * (wp + g->k_w);
}
