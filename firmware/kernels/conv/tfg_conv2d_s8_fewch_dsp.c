/* tfg_conv2d_s8_fewch_dsp: int8 convolution of a layer with few input channels (an image model's first layer: 1 or 3
 * channels, where the im2col kernel's gather costs more than its dot products) with Cortex-M DSP SMLAD. A window row
 * of such a layer is one short run of k_w·in_c bytes (dil_w = 1), widened a word at a time (one LDR, two SXTB16 +
 * SADD16 per four bytes): its last word padded when that costs no extra group (1 channel, 3 wide: 4 bytes, one zero
 * weight), else its last run % 4 bytes go to a tail shared by all rows (tfg_fewch.h); the column has K rounded up to 4
 * elements. Four output pixels' columns, then the im2col kernel's channel loop and GEMM core (tfg_gemm_cols_s8) over
 * codegen's weights in the same order. Scratch: four int16 columns of K rounded up to 4. Bit-exact with tfg_conv2d_s8
 * (exact integer sums). */
#include "tfg_fewch.h"
#include "tfg_gemm_dsp.h"

/* Column j (cols + 2·j; tfg_gemm1x4_s16's groups of 4, 16 int16 apart) of a window wholly inside the image: first,
 * row by row, the row's words, each in SXTB16 order (bytes 0, 2 then 1, 3); then the tail, the rows' last bytes in
 * turn, in natural pairs (codegen permutes those weight bytes 0, 2, 1, 3). The common first-layer shapes take loops
 * without inner trip counts: one word per row (1 channel, 3 or 4 wide) and two words and one tail byte (3 channels,
 * 3 wide). */
static inline void tfg_fewch_gather_inside(const tfg_conv_geom16 *g, const int8_t *src, size_t row_step, int32_t offset,
                                           int32_t off2, tfg_fewch_rows r, int16_t *col) {
  const int32_t k_h = g->k_h, whole = 4 * r.words;
  int16_t *full = col;
  int16_t *tail = col + 16 * k_h * r.words;
  if (r.words == 1 && r.tail_n == 0) {
    for (int32_t ky = 0; ky < k_h; ++ky, src += row_step, full += 16) {
      const uint32_t v = tfg_load32(src);
      tfg_store32a(full, tfg_sadd16(tfg_sxtb16(v), off2));
      tfg_store32a(full + 8, tfg_sadd16(tfg_sxtb16_ror8(v), off2));
    }
    return;
  }
  int32_t step = 1; /* a tail element's successor: +1 within its int16 pair, +7 to the next pair of the column */
  if (r.words == 2 && r.tail_n == 1) {
    for (int32_t ky = 0; ky < k_h; ++ky, src += row_step, full += 32, tail += step, step ^= 6) {
      const uint32_t v0 = tfg_load32(src), v1 = tfg_load32(src + 4);
      tfg_store32a(full, tfg_sadd16(tfg_sxtb16(v0), off2));
      tfg_store32a(full + 8, tfg_sadd16(tfg_sxtb16_ror8(v0), off2));
      tfg_store32a(full + 16, tfg_sadd16(tfg_sxtb16(v1), off2));
      tfg_store32a(full + 24, tfg_sadd16(tfg_sxtb16_ror8(v1), off2));
      *tail = (int16_t)(src[8] + offset);
    }
    return;
  }
  for (int32_t ky = 0; ky < k_h; ++ky, src += row_step) {
    for (int32_t i = 0; i < whole; i += 4, full += 16) {
      const uint32_t v = tfg_load32(src + i);
      tfg_store32a(full, tfg_sadd16(tfg_sxtb16(v), off2));
      tfg_store32a(full + 8, tfg_sadd16(tfg_sxtb16_ror8(v), off2));
    }
    for (int32_t i = whole; i < whole + r.tail_n; ++i, tail += step, step ^= 6) *tail = (int16_t)(src[i] + offset);
  }
}

/* tfg_fewch_gather_inside for four neighbouring pixels of one output row, all inside (src the first one's window,
 * step_x from one window to the next): each row word loaded once per pixel, no per-pixel set-up. */
static inline void tfg_fewch_gather4_inside(const int8_t *src, int32_t step_x, size_t row_step, int32_t k_h,
                                            int32_t offset, int32_t off2, tfg_fewch_rows r, int16_t *cols) {
  int16_t *full = cols;
  int16_t *tail = cols + 16 * k_h * r.words;
  int32_t step = 1; /* as in tfg_fewch_gather_inside, column 0's; column j's element is 2·j further */
  for (int32_t ky = 0; ky < k_h; ++ky, src += row_step) {
    for (int32_t i = 0; i < 4 * r.words; i += 4, full += 16) {
      const uint32_t v0 = tfg_load32(src + i), v1 = tfg_load32(src + step_x + i);
      const uint32_t v2 = tfg_load32(src + 2 * step_x + i), v3 = tfg_load32(src + 3 * step_x + i);
      tfg_store32a(full, tfg_sadd16(tfg_sxtb16(v0), off2));
      tfg_store32a(full + 2, tfg_sadd16(tfg_sxtb16(v1), off2));
      tfg_store32a(full + 4, tfg_sadd16(tfg_sxtb16(v2), off2));
      tfg_store32a(full + 6, tfg_sadd16(tfg_sxtb16(v3), off2));
      tfg_store32a(full + 8, tfg_sadd16(tfg_sxtb16_ror8(v0), off2));
      tfg_store32a(full + 10, tfg_sadd16(tfg_sxtb16_ror8(v1), off2));
      tfg_store32a(full + 12, tfg_sadd16(tfg_sxtb16_ror8(v2), off2));
      tfg_store32a(full + 14, tfg_sadd16(tfg_sxtb16_ror8(v3), off2));
    }
    for (int32_t i = 4 * r.words; i < 4 * r.words + r.tail_n; ++i, tail += step, step ^= 6) {
      tail[0] = (int16_t)(src[i] + offset);
      tail[2] = (int16_t)(src[step_x + i] + offset);
      tail[4] = (int16_t)(src[2 * step_x + i] + offset);
      tail[6] = (int16_t)(src[3 * step_x + i] + offset);
    }
  }
}

/* What the gather of every pixel block reads, worked out once per call. */
typedef struct {
  const tfg_conv_geom16 *g;
  tfg_fewch_rows r;
  int32_t offset, off2;
  int32_t ox_lo, ox_hi, oy_lo, oy_hi; /* the output pixels whose window lies inside the image */
  int32_t at_max;                     /* and whose rows' word loads end in it: window start ≤ at_max */
  size_t row_step;                    /* from a window row to the next in the image */
  int8_t *win;                        /* the copy of windows that leave the image (tfg_fewch_copy_rows) */
} tfg_fewch_plan;

/* The columns of the four pixels from pos on (the last pixel again past the end) and their output rows. Out of line:
 * the channel loop around it keeps its registers. */
static TFG_NOINLINE void tfg_fewch_gather_block(const tfg_fewch_plan *pl, const int8_t *img, int32_t pos, int16_t *cols,
                                                int8_t *y0, int8_t *y[4]) {
  const tfg_conv_geom16 *g = pl->g;
  const int32_t out_w = g->out_w, n_out = g->out_c, last = g->out_h * out_w - 1;
  const int32_t in_c = g->in_c, line = g->in_w * in_c, step_x = g->stride_w * in_c;
  int32_t oy = pos / out_w, ox = pos - oy * out_w;
  int32_t iy0 = oy * g->stride_h - g->pad_top, ix0 = ox * g->stride_w - g->pad_left;
  int32_t at = iy0 * line + ix0 * in_c; /* the window's first byte in the image */
  if (pos + 3 <= last && ox + 3 < out_w && oy >= pl->oy_lo && oy <= pl->oy_hi && ox >= pl->ox_lo &&
      ox + 3 <= pl->ox_hi && at + 3 * step_x <= pl->at_max) {
    for (int32_t j = 0; j < 4; ++j) y[j] = y0 + (size_t)(pos + j) * n_out;
    tfg_fewch_gather4_inside(img + at, step_x, pl->row_step, g->k_h, pl->offset, pl->off2, pl->r, cols);
    return;
  }
  if (pos + 3 <= last && ox + 3 < out_w) {
    /* one output row leaving the image: the four windows' rows copied with the padding, then gathered alike */
    const int32_t len = 3 * step_x + 4 * pl->r.words + pl->r.tail_n;
    for (int32_t j = 0; j < 4; ++j) y[j] = y0 + (size_t)(pos + j) * n_out;
    tfg_fewch_copy_rows(g, img, iy0, ix0 * in_c, len, (int8_t)-pl->offset, pl->win);
    tfg_fewch_gather4_inside(pl->win, step_x, (size_t)len, g->k_h, pl->offset, pl->off2, pl->r, cols);
    return;
  }
  for (int32_t j = 0; j < 4; ++j) {
    y[j] = y0 + (size_t)pos * n_out;
    if (oy >= pl->oy_lo && oy <= pl->oy_hi && ox >= pl->ox_lo && ox <= pl->ox_hi && at <= pl->at_max)
      tfg_fewch_gather_inside(g, img + at, pl->row_step, pl->offset, pl->off2, pl->r, cols + 2 * j);
    else {
      const int32_t len = 4 * pl->r.words + pl->r.tail_n;
      tfg_fewch_copy_rows(g, img, iy0, ix0 * in_c, len, (int8_t)-pl->offset, pl->win);
      tfg_fewch_gather_inside(g, pl->win, (size_t)len, pl->offset, pl->off2, pl->r, cols + 2 * j);
    }
    /* past the last pixel: the last one again, stored again with the same bytes */
    if (pos == last) continue;
    ++pos;
    if (++ox < out_w) {
      ix0 += g->stride_w;
      at += step_x;
    } else {
      ox = 0, ++oy;
      iy0 += g->stride_h, ix0 = -g->pad_left;
      at = iy0 * line + ix0 * in_c;
    }
  }
}

tfg_status tfg_conv2d_s8_fewch_dsp(const tfg_conv_geom16 *geom, const tfg_s8_dsp_quant *quant, int32_t input_offset,
                                   const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out, void *scratch,
                                   int32_t scratch_bytes) {
  if (scratch_bytes < tfg_conv2d_s8_fewch_dsp_scratch_bytes(geom)) return TFG_ERR_ARG;
  /* a local copy of *quant: the int16 column stores below could alias it (the columns live in the arena); the geometry is
   * read once per block of four pixels, through the caller's pointer (a local copy whose address escapes is a memcpy
   * call on ARMv6-M) */
  tfg_fewch_plan pl;
  const tfg_conv_geom16 *g = geom;
  pl.g = geom;
  const tfg_s8_dsp_quant qv = *quant;
  pl.r = tfg_fewch_layout(g);
  pl.offset = input_offset;
  pl.off2 = (int32_t)(((uint32_t)input_offset & 0xFFFFu) | ((uint32_t)input_offset << 16));
  tfg_fewch_inside_range(g, &pl.oy_lo, &pl.oy_hi, &pl.ox_lo, &pl.ox_hi);
  const int32_t img_bytes = g->in_h * g->in_w * g->in_c;
  pl.at_max = img_bytes - (g->k_h - 1) * g->dil_h * g->in_w * g->in_c - 4 * pl.r.words;
  pl.row_step = (size_t)g->dil_h * g->in_w * g->in_c;
  const int32_t groups = (g->k_h * g->k_w * g->in_c + 3) >> 2;
  pl.win = (int8_t *)scratch + 32 * groups;
  const int32_t n_out = g->out_c;
  const int32_t pixels = g->out_h * g->out_w;
  int16_t *const cols = (int16_t *)scratch;
  /* the tail's last group may end in elements no tap fills: they meet zero weights and stay 0 */
  for (int32_t i = 0; i < 16 * groups; i += 2) tfg_store32a(cols + i, 0);
  for (int32_t b = 0; b < g->batch; ++b) {
    const int8_t *img = in + (size_t)b * img_bytes;
    int8_t *const y0 = out + (size_t)b * pixels * n_out;
    for (int32_t p = 0; p < pixels; p += 4) {
      int8_t *y[4];
      tfg_fewch_gather_block(&pl, img, p, cols, y0, y);
      tfg_gemm_cols_s8(&qv, cols, w, bias, n_out, groups, y);
    }
  }
  return TFG_OK;
}

int32_t tfg_conv2d_s8_fewch_dsp_scratch_bytes(const tfg_conv_geom16 *g) {
  return 8 * ((g->k_h * g->k_w * g->in_c + 3) & ~3) + tfg_fewch_window_bytes(g);
}
