/* tfg_depthwise_conv2d_s8_dsp: int8 depthwise convolution (depth multiplier 1, no dilation) with Cortex-M DSP
 * 16-bit MACs, in two shapes.
 *
 * 3×3 at stride 1 over planes of ≥ 9 outputs (KWS, MobileNet's stride-1 layers): one channel at a time over its whole
 * plane. Two channels at a time are copied into two planes of (out_h + 2)·(out_w + 2) int8 in the scratch (one
 * halfword load per input position; one plane when two would pass TFG_DW_ROWBUF_BYTES), in lines along the longer
 * output side; the padding, written once per call, is the input zero point and the input offset is folded into the
 * bias (bias + offset·Σw), so padded taps add exactly 0 and the interior needs neither bounds checks nor an offset.
 * Two neighbouring outputs per window line: one unaligned LDR of x[i..i+3], SXTB16 and SXTB16 ROR 8 give (x0, x2) and
 * (x1, x3), so each output takes its outer taps with one SMLAD against (w0, w2) and its middle tap with one 16×16 MAC;
 * the weights are doubled, so the sum is SMMULR's 2·acc operand. In the common case (multiplier > 2^30, SMMULR shift
 * code, activation range the whole of int8) hand-scheduled blocks of two lines × two outputs load each plane word
 * once for both lines (≈ 1.9 instructions per MAC, requantization included: SMMLAR with the rounding term, the
 * accumulator's sign, one shift, SSAT); other channels take a C loop of one line × two outputs.
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

/* The plane path: 3×3 at stride 1 with at least TFG_DW_PLANE_MIN_OUTPUTS outputs per channel, so the longer output
 * side, along which the lines run, has at least two (the block passes take outputs in pairs). From 3×3 planes up it
 * beats the row ring (5.1 against 5.5 instructions per MAC on VWW's 3×3×256 layer, 3.0 against 5.0 on its 6×6×128
 * ones); on 2×2 planes it does not (7.3 against 6.5 on ShuffleNetV2's 2×2×96). */
static int32_t tfg_dw_is3x3s1(const tfg_conv_geom16 *g) {
  return g->k_h == 3 && g->k_w == 3 && g->stride_h == 1 && g->stride_w == 1 &&
         g->out_h * g->out_w >= TFG_DW_PLANE_MIN_OUTPUTS;
}

/* Two planes (two channels filled per pass over the input) when they fit in TFG_DW_ROWBUF_BYTES, else one. */
static int32_t tfg_dw_planes(const tfg_conv_geom16 *g) {
  return 2 * (g->out_h + 2) * (g->out_w + 2) + 4 <= TFG_DW_ROWBUF_BYTES ? 2 : 1;
}

/* The 3×3 stride-1 path's planes: each one channel padded to (out_h + 2)·(out_w + 2) int8, then 4 bytes the last
 * line's word load may read past its end. */
static int32_t tfg_dw_plane_bytes(const tfg_conv_geom16 *g) {
  return tfg_dw_planes(g) * (g->out_h + 2) * (g->out_w + 2) + 4;
}

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

/* The plane's padding (the input zero point): the whole plane once per call, since only its interior changes from
 * one channel to the next. */
static void tfg_dw_pad_plane(const tfg_dw_walk *wk, int8_t pad, int8_t *plane) {
  const int32_t n = (wk->lines + 2) * wk->len;
  for (int32_t i = 0; i < n; ++i) plane[i] = pad;
}

static void tfg_dw_store32(int8_t *p, uint32_t v) {
#if defined(__GNUC__)
  __builtin_memcpy(p, &v, sizeof v); /* one STR: Cortex-M3/M4/M7 store unaligned words */
#else
  memcpy(p, &v, sizeof v);
#endif
}

/* Channel c of one image into the plane's interior (its padding is in place): line by line, so the writes are
 * contiguous; four bytes gathered into one word store. The source stride along a line is the channel count, or a
 * whole input row for a transposed walk. */
static void tfg_dw_fill_plane(const tfg_conv_geom16 *g, const tfg_dw_walk *wk, const int8_t *img, int32_t c,
                              int8_t *plane) {
  const int32_t ch = g->out_c, len = wk->len, t = wk->transposed;
  const int32_t across_pad = t ? g->pad_left : g->pad_top, across_n = t ? g->in_w : g->in_h;
  const int32_t along_pad = t ? g->pad_top : g->pad_left, along_n = t ? g->in_h : g->in_w;
  const size_t step = t ? (size_t)g->in_w * ch : (size_t)ch, line_step = t ? (size_t)ch : (size_t)g->in_w * ch;
  if (along_pad >= len) return;
  /* input positions that land inside a plane line, and input lines inside the plane */
  const int32_t n = along_n < len - along_pad ? along_n : len - along_pad;
  const int32_t lines = across_n < wk->lines + 2 - across_pad ? across_n : wk->lines + 2 - across_pad;
  const size_t step2 = 2 * step, step3 = 3 * step, step4 = 4 * step;
  for (int32_t i = 0; i < lines; ++i) {
    int8_t *d = plane + (size_t)(i + across_pad) * len + along_pad;
    const uint8_t *src = (const uint8_t *)img + (size_t)i * line_step + c;
    int32_t p = 0;
    for (; p + 4 <= n; p += 4, src += step4)
      tfg_dw_store32(d + p, (uint32_t)src[0] | (uint32_t)src[step] << 8 | (uint32_t)src[step2] << 16 |
                                (uint32_t)src[step3] << 24);
    for (; p < n; ++p, src += step) d[p] = (int8_t)*src;
  }
}

/* The interior of two channels' planes, in the order tfg_dw_fill2 reads it: the second plane `plane1` bytes after the
 * first; per plane line `quads` groups of four input positions `step` bytes apart and `tail` positions more, then
 * `src_skip` input and `d_skip` plane bytes on to the next line. */
typedef struct {
  size_t plane1, step;
  int32_t quads, tail, lines;
  ptrdiff_t src_skip, d_skip;
} tfg_dw_fill_args;

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP == 1 && defined(__thumb2__) && defined(__GNUC__)

/* the naked bodies below read their arguments from r0–r3, which gcc does not see */
#define TFG_ASM_ARG __attribute__((unused))

/* Channels c and c + 1 (src points at channel c of the first input position) into their planes from d: one halfword
 * load per input position; four positions (a0 a1 c0 c1), (b0 b1 d0 d1) regrouped into the words (a0 b0 c0 d0) and
 * (a1 b1 c1 d1). r0 src, r1 d, r2 args, r3 plane1, r4–r7 step·{1, 2, 3, 4}, r8–r11 the positions, r12 the count
 * along a line, lr the lines left. */
// clang-format off
__attribute__((naked)) static void tfg_dw_fill2(TFG_ASM_ARG const int8_t *src, TFG_ASM_ARG int8_t *d,
                                                TFG_ASM_ARG const tfg_dw_fill_args *a) {
  __asm__ volatile(
      "push {r4, r5, r6, r7, r8, r9, r10, r11, lr}\n"
      "ldrd r3, r4, [r2]\n"
      "lsl r5, r4, #1\n"
      "add r6, r5, r4\n"
      "lsl r7, r4, #2\n"
      "ldr lr, [r2, #16]\n"
      "2:\n"
      "ldr r12, [r2, #8]\n"
      "cmp r12, #0\n"
      "beq 4f\n"
      "1:\n"
      "ldrh r8, [r0]\n"
      "ldrh r9, [r0, r4]\n"
      "ldrh r10, [r0, r5]\n"
      "ldrh r11, [r0, r6]\n"
      "orr r8, r8, r10, lsl #16\n"
      "orr r9, r9, r11, lsl #16\n"
      "uxtb16 r10, r8\n"
      "uxtb16 r11, r9\n"
      "orr r10, r10, r11, lsl #8\n"
      "uxtb16 r8, r8, ror #8\n"
      "and r9, r9, #0xff00ff00\n"
      "orr r8, r8, r9\n"
      "str r8, [r1, r3]\n"
      "str r10, [r1], #4\n"
      "add r0, r0, r7\n"
      "subs r12, r12, #1\n"
      "bne 1b\n"
      "4:\n"
      "ldr r12, [r2, #12]\n"
      "cmp r12, #0\n"
      "beq 6f\n"
      "5:\n"
      "ldrh r8, [r0]\n"
      "lsr r9, r8, #8\n"
      "strb r9, [r1, r3]\n"
      "strb r8, [r1], #1\n"
      "add r0, r0, r4\n"
      "subs r12, r12, #1\n"
      "bne 5b\n"
      "6:\n"
      "ldrd r8, r9, [r2, #20]\n"
      "add r0, r0, r8\n"
      "add r1, r1, r9\n"
      "subs lr, lr, #1\n"
      "bne 2b\n"
      "pop {r4, r5, r6, r7, r8, r9, r10, r11, pc}\n");
}
// clang-format on

#else

static uint32_t tfg_dw_load16(const int8_t *p) { return (uint32_t)(uint8_t)p[0] | (uint32_t)(uint8_t)p[1] << 8; }

static void tfg_dw_fill2(const int8_t *src, int8_t *d, const tfg_dw_fill_args *a) {
  for (int32_t line = 0; line < a->lines; ++line, src += a->src_skip, d += a->d_skip) {
    for (int32_t i = 0; i < a->quads; ++i, src += 4 * a->step, d += 4) {
      /* positions 0, 2 and 1, 3 of the two channels: (a0 a1 c0 c1), (b0 b1 d0 d1) */
      const uint32_t t02 = tfg_dw_load16(src) | tfg_dw_load16(src + 2 * a->step) << 16;
      const uint32_t t13 = tfg_dw_load16(src + a->step) | tfg_dw_load16(src + 3 * a->step) << 16;
      tfg_dw_store32(d, (t02 & 0x00FF00FFu) | (t13 & 0x00FF00FFu) << 8);
      tfg_dw_store32(d + a->plane1, (t02 >> 8 & 0x00FF00FFu) | (t13 & 0xFF00FF00u));
    }
    for (int32_t i = 0; i < a->tail; ++i, src += a->step, ++d) {
      d[0] = src[0];
      d[a->plane1] = src[1];
    }
  }
}

#endif

/* Channels c and c + 1 into two planes, the second `plane1` bytes after the first (their padding in place). */
static void tfg_dw_fill_planes2(const tfg_conv_geom16 *g, const tfg_dw_walk *wk, const int8_t *img, int32_t c,
                                int8_t *plane0, size_t plane1) {
  const int32_t ch = g->out_c, len = wk->len, t = wk->transposed;
  const int32_t across_pad = t ? g->pad_left : g->pad_top, across_n = t ? g->in_w : g->in_h;
  const int32_t along_pad = t ? g->pad_top : g->pad_left, along_n = t ? g->in_h : g->in_w;
  const size_t step = t ? (size_t)g->in_w * ch : (size_t)ch, line_step = t ? (size_t)ch : (size_t)g->in_w * ch;
  const int32_t n = along_n < len - along_pad ? along_n : len - along_pad;
  const int32_t lines = across_n < wk->lines + 2 - across_pad ? across_n : wk->lines + 2 - across_pad;
  if (n <= 0 || lines <= 0) return;
  tfg_dw_fill_args a;
  a.plane1 = plane1;
  a.step = step;
  a.quads = n >> 2;
  a.tail = n & 3;
  a.lines = lines;
  a.src_skip = (ptrdiff_t)line_step - (ptrdiff_t)n * (ptrdiff_t)step;
  a.d_skip = len - n;
  tfg_dw_fill2(img + c, plane0 + (size_t)across_pad * len + along_pad, &a);
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

/* One channel's block passes (tfg_dw3x3_pass2 / tfg_dw3x3_pass1) read their constants from this block, in this order
 * (the assembly's offsets). Weights and bias doubled as in tfg_dw3x3_channel; window taps w9[3a + b]. */
typedef struct {
  int32_t b2[4];                         /* the doubled bias once per accumulator (one LDM starts a block) */
  int32_t w02a, wmid, w02b, w02c, wlast; /* (w0, w2), (w1, w4), (w3, w5), (w6, w8), (w7, w4) as int16 pairs */
  int32_t m, rr, e1;                     /* multiplier, merged rounding term, shift (tfg_dw_out) */
  int32_t y_line;                        /* output elements between the two lines of a block */
  int32_t odd;                           /* 1: one more output after the pairs of each line */
  int32_t len, y_step;                   /* plane bytes per line; output elements between neighbours along a line */
} tfg_dw_pass;

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP == 1 && defined(__thumb2__) && defined(__GNUC__)

/* Saves the callee-saved registers, copies the tfg_dw_pass words 0–13 to the stack (sp-relative loads then reach them
 * without a base register) and leaves len in r2, y_step in lr. */
#define TFG_DW_PASS_ENTER                                                                                              \
  "push {r4, r5, r6, r7, r8, r9, r10, r11, lr}\n"                                                                      \
  "add r12, r2, #36\n"                                                                                                 \
  "ldm r12, {r4, r5, r6, r7, r8}\n"                                                                                    \
  "push {r4, r5, r6, r7, r8}\n"                                                                                        \
  "ldm r2, {r4, r5, r6, r7, r8, r9, r10, r11, r12}\n"                                                                  \
  "push {r4, r5, r6, r7, r8, r9, r10, r11, r12}\n"                                                                     \
  "ldrd r2, lr, [r2, #56]\n"

#define TFG_DW_PASS_LEAVE                                                                                              \
  "add sp, sp, #56\n"                                                                                                  \
  "pop {r4, r5, r6, r7, r8, r9, r10, r11, pc}\n"

/* the first output's half of TFG_DW_LINE: an odd line's last output */
#define TFG_DW_LINE1(acc, w02, wm, h)                                                                                  \
  "smlad " acc ", r9, " w02 ", " acc "\n"                                                                              \
  "smlab" h " " acc ", r8, " wm ", " acc "\n"

/* r8 / r9 = the odd (x1, x3) and even (x0, x2) bytes of the plane word at `addr` */
#define TFG_DW_LOAD(addr)                                                                                              \
  "ldr r8, " addr "\n"                                                                                                 \
  "sxtb16 r9, r8\n"                                                                                                    \
  "sxtb16 r8, r8, ror #8\n"

/* outputs (acc0, acc1) += one window line: SMLAD of (x0, x2) / (x1, x3) with the outer taps `w02`, and the middle tap
 * from half `h` (b or t) of `wm` times x1 / x2 */
#define TFG_DW_LINE(acc0, acc1, w02, wm, h)                                                                            \
  "smlad " acc0 ", r9, " w02 ", " acc0 "\n"                                                                            \
  "smlad " acc1 ", r8, " w02 ", " acc1 "\n"                                                                            \
  "smlab" h " " acc0 ", r8, " wm ", " acc0 "\n"                                                                        \
  "smlat" h " " acc1 ", r9, " wm ", " acc1 "\n"

/* r9 = the doubled accumulator `acc` requantized and saturated (m r10, rr r11, e1 r12): the sign of h is that of acc
 * when m > 2^30, so acc's sign bit stands in for h's */
#define TFG_DW_REQUANT(acc)                                                                                            \
  "smmlar r9, " acc ", r10, r11\n"                                                                                     \
  "add r9, r9, " acc ", asr #31\n"                                                                                     \
  "asr r9, r9, r12\n"                                                                                                  \
  "ssat r9, #8, r9\n"

/* Two lines × two neighbouring outputs per pass: plane lines L..L+3 at r0 + {0, 1, 2, 3}·len, each loaded once for
 * both lines' outputs. r0 plane, r1 y, r2 len, r3 passes left, r4–r7 the accumulators (line 0: r4 r5, line 1: r6 r7),
 * r10–r12 the weights of the lines in hand, lr y_step. */
// clang-format off
__attribute__((naked)) static void tfg_dw3x3_pass2(TFG_ASM_ARG const int8_t *plane, TFG_ASM_ARG int8_t *y,
                                                   TFG_ASM_ARG const tfg_dw_pass *k, TFG_ASM_ARG int32_t pairs) {
  __asm__ volatile(
      TFG_DW_PASS_ENTER
      "1:\n"
      "ldm sp, {r4, r5, r6, r7}\n"
      "ldrd r10, r11, [sp, #16]\n" /* w02a, wmid */
      "ldr r12, [sp, #24]\n"       /* w02b */
      TFG_DW_LOAD("[r0]")
      TFG_DW_LINE("r4", "r5", "r10", "r11", "b")
      TFG_DW_LOAD("[r0, r2]")
      TFG_DW_LINE("r4", "r5", "r12", "r11", "t")
      TFG_DW_LINE("r6", "r7", "r10", "r11", "b")
      "ldrd r10, r11, [sp, #28]\n" /* w02c, wlast */
      TFG_DW_LOAD("[r0, r2, lsl #1]")
      TFG_DW_LINE("r4", "r5", "r10", "r11", "b")
      TFG_DW_LINE("r6", "r7", "r12", "r11", "t")
      "add r8, r0, r2, lsl #1\n"
      TFG_DW_LOAD("[r8, r2]")
      TFG_DW_LINE("r6", "r7", "r10", "r11", "b")
      "ldrd r10, r11, [sp, #36]\n" /* m, rr */
      "ldrd r12, r8, [sp, #44]\n"  /* e1, y_line */
      TFG_DW_REQUANT("r4")
      "strb r9, [r1]\n"
      TFG_DW_REQUANT("r5")
      "strb r9, [r1, lr]\n"
      TFG_DW_REQUANT("r6")
      "strb r9, [r1, r8]\n"
      "add r8, r8, r1\n"
      TFG_DW_REQUANT("r7")
      "strb r9, [r8, lr]\n"
      "adds r0, r0, #2\n"
      "add r1, r1, lr, lsl #1\n"
      "subs r3, r3, #1\n"
      "bne 1b\n"
      "ldr r3, [sp, #52]\n" /* odd: the last output of both lines, the first halves of a block */
      "cmp r3, #0\n"
      "beq 9f\n"
      "ldrd r4, r6, [sp]\n"
      "ldrd r10, r11, [sp, #16]\n"
      "ldr r12, [sp, #24]\n"
      TFG_DW_LOAD("[r0]")
      TFG_DW_LINE1("r4", "r10", "r11", "b")
      TFG_DW_LOAD("[r0, r2]")
      TFG_DW_LINE1("r4", "r12", "r11", "t")
      TFG_DW_LINE1("r6", "r10", "r11", "b")
      "ldrd r10, r11, [sp, #28]\n"
      TFG_DW_LOAD("[r0, r2, lsl #1]")
      TFG_DW_LINE1("r4", "r10", "r11", "b")
      TFG_DW_LINE1("r6", "r12", "r11", "t")
      "add r8, r0, r2, lsl #1\n"
      TFG_DW_LOAD("[r8, r2]")
      TFG_DW_LINE1("r6", "r10", "r11", "b")
      "ldrd r10, r11, [sp, #36]\n"
      "ldrd r12, r8, [sp, #44]\n"
      TFG_DW_REQUANT("r4")
      "strb r9, [r1]\n"
      TFG_DW_REQUANT("r6")
      "strb r9, [r1, r8]\n"
      "9:\n"
      TFG_DW_PASS_LEAVE);
}

/* One line × two neighbouring outputs per pass (the last line of an odd count), registers as tfg_dw3x3_pass2. */
__attribute__((naked)) static void tfg_dw3x3_pass1(TFG_ASM_ARG const int8_t *plane, TFG_ASM_ARG int8_t *y,
                                                   TFG_ASM_ARG const tfg_dw_pass *k, TFG_ASM_ARG int32_t pairs) {
  __asm__ volatile(
      TFG_DW_PASS_ENTER
      "1:\n"
      "ldrd r4, r5, [sp]\n"
      "ldrd r10, r11, [sp, #16]\n"
      "ldr r12, [sp, #24]\n"
      TFG_DW_LOAD("[r0]")
      TFG_DW_LINE("r4", "r5", "r10", "r11", "b")
      TFG_DW_LOAD("[r0, r2]")
      TFG_DW_LINE("r4", "r5", "r12", "r11", "t")
      "ldrd r10, r11, [sp, #28]\n"
      TFG_DW_LOAD("[r0, r2, lsl #1]")
      TFG_DW_LINE("r4", "r5", "r10", "r11", "b")
      "ldrd r10, r11, [sp, #36]\n"
      "ldr r12, [sp, #44]\n"
      TFG_DW_REQUANT("r4")
      "strb r9, [r1]\n"
      TFG_DW_REQUANT("r5")
      "strb r9, [r1, lr]\n"
      "adds r0, r0, #2\n"
      "add r1, r1, lr, lsl #1\n"
      "subs r3, r3, #1\n"
      "bne 1b\n"
      "ldr r3, [sp, #52]\n" /* odd: the line's last output */
      "cmp r3, #0\n"
      "beq 9f\n"
      "ldr r4, [sp]\n"
      "ldrd r10, r11, [sp, #16]\n"
      "ldr r12, [sp, #24]\n"
      TFG_DW_LOAD("[r0]")
      TFG_DW_LINE1("r4", "r10", "r11", "b")
      TFG_DW_LOAD("[r0, r2]")
      TFG_DW_LINE1("r4", "r12", "r11", "t")
      "ldrd r10, r11, [sp, #28]\n"
      TFG_DW_LOAD("[r0, r2, lsl #1]")
      TFG_DW_LINE1("r4", "r10", "r11", "b")
      "ldrd r10, r11, [sp, #36]\n"
      "ldr r12, [sp, #44]\n"
      TFG_DW_REQUANT("r4")
      "strb r9, [r1]\n"
      "9:\n"
      TFG_DW_PASS_LEAVE);
}
// clang-format on

#else

/* The same passes in C (hosts, cores without the DSP extension): the same sums and requantization. */
static int8_t tfg_dw_pass_out(const tfg_dw_pass *k, int32_t acc2) {
  const int32_t v = (int32_t)((uint32_t)tfg_smmulr(acc2, k->m) + (uint32_t)k->rr + (uint32_t)(acc2 >> 31));
  return (int8_t)tfg_ssat8(v >> k->e1);
}

/* outputs (a[0], a[1]) += plane line `r` through window line `wl` (0–2) */
static void tfg_dw_pass_line(const tfg_dw_pass *k, const int8_t *r, int32_t wl, int32_t *a) {
  const int32_t w02[3] = {k->w02a, k->w02b, k->w02c};
  const uint32_t x = tfg_load32(r);
  const int32_t ev = tfg_sxtb16(x), od = tfg_sxtb16_ror8(x);
  a[0] = tfg_smlad(ev, w02[wl], a[0]);
  a[1] = tfg_smlad(od, w02[wl], a[1]);
  if (wl == 0) {
    a[0] = tfg_smlabb(od, k->wmid, a[0]);
    a[1] = tfg_smlatb(ev, k->wmid, a[1]);
  } else if (wl == 1) {
    a[0] = tfg_smlabt(od, k->wmid, a[0]);
    a[1] = tfg_smlatt(ev, k->wmid, a[1]);
  } else {
    a[0] = tfg_smlabb(od, k->wlast, a[0]);
    a[1] = tfg_smlatb(ev, k->wlast, a[1]);
  }
}

static void tfg_dw3x3_pass(const int8_t *plane, int8_t *y, const tfg_dw_pass *k, int32_t pairs, int32_t two) {
  const int32_t n = 2 * pairs + k->odd; /* outputs per line: the odd one takes the first half of a pair */
  for (int32_t i = 0; i < n; i += 2, plane += 2, y += 2 * (size_t)k->y_step) {
    for (int32_t l = 0; l < 1 + two; ++l) {
      int32_t a[2] = {k->b2[0], k->b2[1]};
      for (int32_t wl = 0; wl < 3; ++wl) tfg_dw_pass_line(k, plane + (size_t)(l + wl) * k->len, wl, a);
      int8_t *yo = y + (size_t)l * k->y_line;
      yo[0] = tfg_dw_pass_out(k, a[0]);
      if (i + 1 < n) yo[k->y_step] = tfg_dw_pass_out(k, a[1]);
    }
  }
}

static void tfg_dw3x3_pass2(const int8_t *plane, int8_t *y, const tfg_dw_pass *k, int32_t pairs) {
  tfg_dw3x3_pass(plane, y, k, pairs, 1);
}

static void tfg_dw3x3_pass1(const int8_t *plane, int8_t *y, const tfg_dw_pass *k, int32_t pairs) {
  tfg_dw3x3_pass(plane, y, k, pairs, 0);
}

#endif

/* One channel of the common case (SMMULR path, multiplier > 2^30, activation range the whole of int8) once k holds
 * its constants: two lines × two outputs per block pass, the last line of an odd count two outputs per pass (and the
 * last output of an odd line in the same call). The longer output side is at least 2 (TFG_DW_PLANE_MIN_OUTPUTS), so
 * every line has a pair. */
static void tfg_dw3x3_channel_blocks(const tfg_dw_walk *wk, const tfg_dw_pass *k, const int8_t *plane, int8_t *y) {
  const int32_t pairs = wk->per_line >> 1, len = wk->len;
  int32_t line = 0;
  for (; line + 2 <= wk->lines; line += 2)
    tfg_dw3x3_pass2(plane + (size_t)line * len, y + (size_t)line * wk->y_line, k, pairs);
  if (line < wk->lines) tfg_dw3x3_pass1(plane + (size_t)line * len, y + (size_t)line * wk->y_line, k, pairs);
}

/* What every channel of one call shares. */
typedef struct {
  tfg_dw_walk wk;
  const tfg_s8_dsp_quant *q;
  int32_t narrow, input_offset;
  const int8_t *w;
  size_t w_line, w_tap; /* weight elements between window lines and between taps along a line, in walk order */
  const int32_t *bias4;
  int8_t *y; /* the image's output */
} tfg_dw_call;

/* Channel c's outputs from its filled plane: the block passes for the common case (k's per-call words are set),
 * tfg_dw3x3_channel otherwise. */
static TFG_NOINLINE void tfg_dw3x3_plane_channel(const tfg_dw_call *call, tfg_dw_pass *k, const int8_t *plane,
                                                 int32_t c) {
  /* w is [ky][kx]; a transposed walk reads it as [kx][ky] */
  const int8_t *const l0 = call->w + c, *const l1 = l0 + call->w_line, *const l2 = l1 + call->w_line;
  const size_t t1 = call->w_tap, t2 = 2 * call->w_tap;
  const int32_t w9[9] = {l0[0], l0[t1], l0[t2], l1[0], l1[t1], l1[t2], l2[0], l2[t1], l2[t2]};
  const int32_t wsum = w9[0] + w9[1] + w9[2] + w9[3] + w9[4] + w9[5] + w9[6] + w9[7] + w9[8];
  const int32_t bias = (int32_t)((uint32_t)call->bias4[c] + (uint32_t)call->input_offset * (uint32_t)wsum);
  const tfg_s8_dsp_quant *const q = call->q;
  const int32_t e = q->shift_code[c], m = q->multiplier[c];
  int8_t *const y = call->y + c;
  /* SMMULR channels whose merged rounding term ro·2^e stays below 2^29 (|ro| ≤ 255) */
  if (!call->narrow && e >= 0 && e <= 21 && m > (1 << 30)) {
    const int32_t b2 = (int32_t)((uint32_t)bias * 2u);
    k->b2[0] = b2;
    k->b2[1] = b2;
    k->b2[2] = b2;
    k->b2[3] = b2;
    k->w02a = tfg_dw_pack16(2 * w9[0], 2 * w9[2]);
    k->wmid = tfg_dw_pack16(2 * w9[1], 2 * w9[4]);
    k->w02b = tfg_dw_pack16(2 * w9[3], 2 * w9[5]);
    k->w02c = tfg_dw_pack16(2 * w9[6], 2 * w9[8]);
    k->wlast = tfg_dw_pack16(2 * w9[7], 2 * w9[4]);
    k->m = m;
    k->rr = (int32_t)((uint32_t)q->round_offset << e);
    k->e1 = e + 1;
    tfg_dw3x3_channel_blocks(&call->wk, k, plane, y);
  } else if (e < 0 || e > 21) {
    tfg_dw3x3_channel(&call->wk, q, plane, w9, bias, y, c, call->narrow, 1);
  } else if (call->narrow) {
    tfg_dw3x3_channel(&call->wk, q, plane, w9, bias, y, c, 1, 0);
  } else {
    tfg_dw3x3_channel(&call->wk, q, plane, w9, bias, y, c, 0, 0);
  }
}

static TFG_NOINLINE void tfg_dw3x3s1_body(const tfg_conv_geom16 *geom, const tfg_s8_dsp_quant *q, int32_t input_offset,
                                          const int8_t *in, const int8_t *w, const int32_t *bias4, int8_t *out,
                                          int8_t *plane) {
  const tfg_conv_geom16 gv = *geom; /* local copies: the int8 stores could alias *geom and *q */
  const tfg_s8_dsp_quant qv = *q;
  const int32_t ch = gv.out_c;
  tfg_dw_call call;
  call.wk = tfg_dw_walk_of(&gv);
  call.q = &qv;
  call.narrow = qv.act_min > -128 || qv.act_max < 127;
  call.input_offset = input_offset;
  call.w = w;
  call.w_line = (size_t)(call.wk.transposed ? 1 : 3) * ch;
  call.w_tap = (size_t)(call.wk.transposed ? 3 : 1) * ch;
  call.bias4 = bias4;
  tfg_dw_pass k;
  k.y_line = call.wk.y_line;
  k.odd = call.wk.per_line & 1;
  k.len = call.wk.len;
  k.y_step = call.wk.y_step;
  const int32_t two = tfg_dw_planes(&gv) == 2;
  int8_t *const plane1 = plane + (size_t)(call.wk.lines + 2) * call.wk.len;
  tfg_dw_pad_plane(&call.wk, (int8_t)(-input_offset), plane);
  if (two) tfg_dw_pad_plane(&call.wk, (int8_t)(-input_offset), plane1);
  for (int32_t b = 0; b < gv.batch; ++b) {
    const int8_t *img = in + (size_t)b * gv.in_h * gv.in_w * ch;
    call.y = out + (size_t)b * gv.out_h * gv.out_w * ch;
    int32_t c = 0;
    for (; two && c + 2 <= ch; c += 2) {
      tfg_dw_fill_planes2(&gv, &call.wk, img, c, plane, (size_t)(plane1 - plane));
      tfg_dw3x3_plane_channel(&call, &k, plane, c);
      tfg_dw3x3_plane_channel(&call, &k, plane1, c + 1);
    }
    for (; c < ch; ++c) {
      tfg_dw_fill_plane(&gv, &call.wk, img, c, plane);
      tfg_dw3x3_plane_channel(&call, &k, plane, c);
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
