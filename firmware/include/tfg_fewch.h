/* tfg_fewch.h: the field order of the few-input-channel conv kernels (tfg_conv2d_s8_fewch_dsp / _mla), which codegen
 * lays their weights out to match (fewChannelRows in src/codegen/ops/dsp-weights.ts). */
#ifndef TFG_FEWCH_H
#define TFG_FEWCH_H

#include "tfg_kernels.h"

/* A window row (its run of k_w·in_c bytes, dil_w = 1) as `words` words, then `tail_n` bytes per row in a tail after all
 * rows' words. */
typedef struct {
  int32_t words;
  int32_t tail_n;
} tfg_fewch_rows;

/* ⌈run / 4⌉ words per row (a padded last word's extra bytes meeting zero weights) when that makes no more groups of 4
 * than the exact field, else ⌊run / 4⌋ words and run % 4 bytes in the tail. */
static inline tfg_fewch_rows tfg_fewch_layout(const tfg_conv_geom16 *g) {
  const int32_t run = g->k_w * g->in_c;
  const int32_t padded = g->k_h * ((run + 3) >> 2) == (g->k_h * run + 3) >> 2;
  tfg_fewch_rows r;
  r.words = padded ? (run + 3) >> 2 : run >> 2;
  r.tail_n = padded ? 0 : run - 4 * r.words;
  return r;
}

/* The output rows oy_lo..oy_hi and columns ox_lo..ox_hi whose windows lie inside the image (empty ranges: lo > hi). */
static inline void tfg_fewch_inside_range(const tfg_conv_geom16 *g, int32_t *oy_lo, int32_t *oy_hi, int32_t *ox_lo,
                                          int32_t *ox_hi) {
  const int32_t span_h = (g->k_h - 1) * g->dil_h;
  *oy_lo = (g->pad_top + g->stride_h - 1) / g->stride_h;
  *ox_lo = (g->pad_left + g->stride_w - 1) / g->stride_w;
  /* floor division of a possibly negative numerator: a window taller or wider than the image is never inside */
  const int32_t ny = g->in_h - 1 - span_h + g->pad_top, nx = g->in_w - g->k_w + g->pad_left;
  *oy_hi = ny < 0 ? -1 : ny / g->stride_h;
  *ox_hi = nx < 0 ? -1 : nx / g->stride_w;
}

/* Bytes of the window copy the gather of a block that leaves the image makes: k_h rows of the four windows' extent
 * (three strides and one window row's word loads), rounded up to 4. */
static inline int32_t tfg_fewch_window_bytes(const tfg_conv_geom16 *g) {
  const tfg_fewch_rows r = tfg_fewch_layout(g);
  return (g->k_h * (3 * g->stride_w * g->in_c + 4 * r.words + r.tail_n) + 3) & ~3;
}

/* k_h window rows of len bytes from byte x0 of image row iy0 on (x0 may be negative), copied into dst one after the
 * other with the zero point zp where they leave the image (zp + offset = 0: the padding), so the word-wise gathers read
 * them as they read windows inside the image. */
static inline void tfg_fewch_copy_rows(const tfg_conv_geom16 *g, const int8_t *img, int32_t iy0, int32_t x0,
                                       int32_t len, int8_t zp, int8_t *dst) {
  const int32_t line = g->in_w * g->in_c;
  /* the bytes [lo, hi) of each row lie inside the image */
  const int32_t lo = x0 < 0 ? (-x0 < len ? -x0 : len) : 0;
  const int32_t hi = line - x0 < len ? (line - x0 > lo ? line - x0 : lo) : len;
  for (int32_t ky = 0; ky < g->k_h; ++ky, dst += len) {
    const int32_t iy = iy0 + ky * g->dil_h;
    if (iy < 0 || iy >= g->in_h) {
      for (int32_t i = 0; i < len; ++i) dst[i] = zp;
      continue;
    }
    const int8_t *src = img + (size_t)iy * line + x0;
    for (int32_t i = 0; i < lo; ++i) dst[i] = zp;
    for (int32_t i = lo; i < hi; ++i) dst[i] = src[i];
    for (int32_t i = hi; i < len; ++i) dst[i] = zp;
  }
}

#endif /* TFG_FEWCH_H */
