/* tfg_conv2d_s8_fewch_mla: int8 convolution of a layer with few input channels (an image model's first layer: 1 or 3
 * channels) for ARMv7-M cores without the DSP extension. tfg_conv2d_s8_fewch_dsp's field order (tfg_fewch.h: per
 * window row its words, the last one padded or the rows' last run % 4 bytes in a tail), gathered as int32 columns
 * interleaved by element: a window row inside the image is one word load and four sign extensions per four taps. Then
 * the im2col kernel's channel loop and MLA block (tfg_gemm_cols_mla) over codegen's weights in the same order.
 * Scratch: four int32 columns of K rounded up to 4. Bit-exact with tfg_conv2d_s8 (exact integer sums). */
#include "tfg_fewch.h"
#include "tfg_gemm_mla.h"

/* Column j of the interleaved int32 buffer (col = cols + j, element k at col[4·k]), natural order within each word,
 * for a window wholly inside the image (its rows' word loads included). */
static inline void tfg_fewch_gather_inside_s32(const tfg_conv_geom16 *g, const int8_t *src, size_t row_step,
                                               int32_t offset, tfg_fewch_rows r, int32_t *col) {
  const int32_t k_h = g->k_h, whole = 4 * r.words;
  int32_t *full = col;
  int32_t *tail = col + 16 * k_h * r.words;
  if (r.words == 1 && r.tail_n == 0) {
    for (int32_t ky = 0; ky < k_h; ++ky, src += row_step, full += 16) {
      const uint32_t v = tfg_load32(src);
      full[0] = (int8_t)(uint8_t)v + offset;
      full[4] = (int8_t)(uint8_t)(v >> 8) + offset;
      full[8] = (int8_t)(uint8_t)(v >> 16) + offset;
      full[12] = (int8_t)(uint8_t)(v >> 24) + offset;
    }
    return;
  }
  for (int32_t ky = 0; ky < k_h; ++ky, src += row_step) {
    for (int32_t i = 0; i < whole; i += 4, full += 16) {
      const uint32_t v = tfg_load32(src + i);
      full[0] = (int8_t)(uint8_t)v + offset;
      full[4] = (int8_t)(uint8_t)(v >> 8) + offset;
      full[8] = (int8_t)(uint8_t)(v >> 16) + offset;
      full[12] = (int8_t)(uint8_t)(v >> 24) + offset;
    }
    for (int32_t i = whole; i < whole + r.tail_n; ++i, tail += 4) *tail = src[i] + offset;
  }
}

/* tfg_fewch_gather_inside_s32 for four neighbouring pixels of one output row, all inside (src the first one's window,
 * step_x from one window to the next): element k of the four columns is one run of four int32 at cols[4·k]. */
static inline void tfg_fewch_gather4_inside_s32(const int8_t *src, int32_t step_x, size_t row_step, int32_t k_h,
                                                int32_t offset, tfg_fewch_rows r, int32_t *cols) {
  int32_t *full = cols;
  int32_t *tail = cols + 16 * k_h * r.words;
  for (int32_t ky = 0; ky < k_h; ++ky, src += row_step) {
    for (int32_t i = 0; i < 4 * r.words; i += 4, full += 16) {
      for (int32_t j = 0; j < 4; ++j) {
        const uint32_t v = tfg_load32(src + j * step_x + i);
        full[j] = (int8_t)(uint8_t)v + offset;
        full[4 + j] = (int8_t)(uint8_t)(v >> 8) + offset;
        full[8 + j] = (int8_t)(uint8_t)(v >> 16) + offset;
        full[12 + j] = (int8_t)(uint8_t)(v >> 24) + offset;
      }
    }
    for (int32_t i = 4 * r.words; i < 4 * r.words + r.tail_n; ++i, tail += 4) {
      tail[0] = src[i] + offset;
      tail[1] = src[step_x + i] + offset;
      tail[2] = src[2 * step_x + i] + offset;
      tail[3] = src[3 * step_x + i] + offset;
    }
  }
}

/* What the gather of every pixel block reads, worked out once per call. */
typedef struct {
  const tfg_conv_geom16 *g;
  tfg_fewch_rows r;
  int32_t offset;
  int32_t ox_lo, ox_hi, oy_lo, oy_hi; /* the output pixels whose window lies inside the image */
  int32_t at_max;                     /* and whose rows' word loads end in it: window start ≤ at_max */
  size_t row_step;                    /* from a window row to the next in the image */
  int8_t *win;                        /* the copy of windows that leave the image (tfg_fewch_copy_rows) */
} tfg_fewch_plan_s32;

/* The columns of the four pixels from pos on (the last pixel again past the end) and their output rows. Out of line:
 * the channel loop around it keeps its registers. */
static TFG_NOINLINE void tfg_fewch_gather_block_s32(const tfg_fewch_plan_s32 *pl, const int8_t *img, int32_t pos,
                                                    int32_t *cols, int8_t *y0, int8_t *y[4]) {
  const tfg_conv_geom16 *g = pl->g;
  const int32_t out_w = g->out_w, n_out = g->out_c, last = g->out_h * out_w - 1;
  const int32_t in_c = g->in_c, line = g->in_w * in_c, step_x = g->stride_w * in_c;
  int32_t oy = pos / out_w, ox = pos - oy * out_w;
  int32_t iy0 = oy * g->stride_h - g->pad_top, ix0 = ox * g->stride_w - g->pad_left;
  int32_t at = iy0 * line + ix0 * in_c; /* the window's first byte in the image */
  if (pos + 3 <= last && ox + 3 < out_w && oy >= pl->oy_lo && oy <= pl->oy_hi && ox >= pl->ox_lo &&
      ox + 3 <= pl->ox_hi && at + 3 * step_x <= pl->at_max) {
    for (int32_t j = 0; j < 4; ++j) y[j] = y0 + (size_t)(pos + j) * n_out;
    tfg_fewch_gather4_inside_s32(img + at, step_x, pl->row_step, g->k_h, pl->offset, pl->r, cols);
    return;
  }
  if (pos + 3 <= last && ox + 3 < out_w) {
    /* one output row leaving the image: the four windows' rows copied with the padding, then gathered alike */
    const int32_t len = 3 * step_x + 4 * pl->r.words + pl->r.tail_n;
    for (int32_t j = 0; j < 4; ++j) y[j] = y0 + (size_t)(pos + j) * n_out;
    tfg_fewch_copy_rows(g, img, iy0, ix0 * in_c, len, (int8_t)-pl->offset, pl->win);
    tfg_fewch_gather4_inside_s32(pl->win, step_x, (size_t)len, g->k_h, pl->offset, pl->r, cols);
    return;
  }
  for (int32_t j = 0; j < 4; ++j) {
    y[j] = y0 + (size_t)pos * n_out;
    if (oy >= pl->oy_lo && oy <= pl->oy_hi && ox >= pl->ox_lo && ox <= pl->ox_hi && at <= pl->at_max)
      tfg_fewch_gather_inside_s32(g, img + at, pl->row_step, pl->offset, pl->r, cols + j);
    else {
      const int32_t len = 4 * pl->r.words + pl->r.tail_n;
      tfg_fewch_copy_rows(g, img, iy0, ix0 * in_c, len, (int8_t)-pl->offset, pl->win);
      tfg_fewch_gather_inside_s32(g, pl->win, (size_t)len, pl->offset, pl->r, cols + j);
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

tfg_status tfg_conv2d_s8_fewch_mla(const tfg_conv_geom16 *geom, const tfg_s8_dsp_quant *quant, int32_t input_offset,
                                   const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out, void *scratch,
                                   int32_t scratch_bytes) {
  if (scratch_bytes < tfg_conv2d_s8_fewch_mla_scratch_bytes(geom)) return TFG_ERR_ARG;
  /* a local copy of *quant: the column stores below could alias it (the columns live in the arena); the geometry is
   * read once per block of four pixels, through the caller's pointer (a local copy whose address escapes is a memcpy
   * call on ARMv6-M) */
  tfg_fewch_plan_s32 pl;
  const tfg_conv_geom16 *g = geom;
  pl.g = geom;
  const tfg_s8_dsp_quant qv = *quant;
  pl.r = tfg_fewch_layout(g);
  pl.offset = input_offset;
  tfg_fewch_inside_range(g, &pl.oy_lo, &pl.oy_hi, &pl.ox_lo, &pl.ox_hi);
  const int32_t img_bytes = g->in_h * g->in_w * g->in_c;
  pl.at_max = img_bytes - (g->k_h - 1) * g->dil_h * g->in_w * g->in_c - 4 * pl.r.words;
  pl.row_step = (size_t)g->dil_h * g->in_w * g->in_c;
  const int32_t groups = (g->k_h * g->k_w * g->in_c + 3) >> 2;
  pl.win = (int8_t *)scratch + 64 * groups;
  const int32_t n_out = g->out_c;
  const int32_t pixels = g->out_h * g->out_w;
  int32_t *const cols = (int32_t *)scratch;
  /* the tail's last group may end in elements no tap fills: they meet zero weights and stay 0 */
  for (int32_t i = 0; i < 16 * groups; ++i) cols[i] = 0;
  for (int32_t b = 0; b < g->batch; ++b) {
    const int8_t *img = in + (size_t)b * img_bytes;
    int8_t *const y0 = out + (size_t)b * pixels * n_out;
    for (int32_t p = 0; p < pixels; p += 4) {
      int8_t *y[4];
      tfg_fewch_gather_block_s32(&pl, img, p, cols, y0, y);
      tfg_gemm_cols_mla(&qv, cols, w, bias, n_out, groups, y);
    }
  }
  return TFG_OK;
}

int32_t tfg_conv2d_s8_fewch_mla_scratch_bytes(const tfg_conv_geom16 *g) {
  return 16 * ((g->k_h * g->k_w * g->in_c + 3) & ~3) + tfg_fewch_window_bytes(g);
}
