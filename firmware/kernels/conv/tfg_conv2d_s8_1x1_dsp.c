/* tfg_conv2d_s8_1x1_dsp: int8 pointwise (1×1, no padding, one group) convolution as a GEMM over pixels with Cortex-M
 * DSP SMLAD: two input pixels are widened once to int16 columns (input offset added), then 2 pixels × 2 output
 * channels per inner loop over codegen's interleaved weights, requantized with SMMULR. Scratch: as
 * tfg_conv2d_s8_im2col_dsp's with K = in_c ≤ TFG_IM2COL_MAX. Bit-exact with tfg_conv2d_s8 (exact integer sums). */
#include "tfg_dsp.h"

tfg_status tfg_conv2d_s8_1x1_dsp(const tfg_conv_geom16 *geom, const tfg_s8_dsp_quant *quant, int32_t input_offset,
                                 const int8_t *in, const int8_t *w2, const int32_t *bias2, int8_t *out, void *scratch,
                                 int32_t scratch_bytes) {
  /* two interleaved int16 columns of K rounded up to 4, then the natural-order gather's row */
  const size_t k4 = ((size_t)(geom->in_c) + 3) & ~(size_t)3;
  int16_t *const cols = (int16_t *)scratch, *const tmp = cols + 2 * k4;
  if (scratch_bytes < tfg_conv2d_s8_1x1_dsp_scratch_bytes(geom)) return TFG_ERR_ARG;
  /* local copies: the int16 column stores below could alias *geom and *quant (the columns live in the arena) */
  const tfg_conv_geom16 gv = *geom;
  const tfg_conv_geom16 *g = &gv;
  const tfg_s8_dsp_quant qv = *quant;
  const tfg_s8_dsp_quant *q = &qv;
  const int32_t groups = (g->in_c + 3) >> 2;
  const int32_t n_out = g->out_c;
  for (int32_t b = 0; b < g->batch; ++b) {
    const int8_t *img = in + (size_t)b * g->in_h * g->in_w * g->in_c;
    int8_t *y = out + (size_t)b * g->out_h * g->out_w * n_out;
    /* pixels run row-major; the stride picks the input pixel (the geometry has no padding) */
    int32_t oy = 0, ox = 0;
    const int32_t pixels = g->out_h * g->out_w;
    for (int32_t p = 0; p < pixels; p += 2, y += 2 * n_out) {
      const int32_t pair = p + 1 < pixels;
      tfg_gather_col_s16(g, img, oy, ox, input_offset, cols, 0, tmp);
      if (pair && ++ox == g->out_w) {
        ox = 0;
        ++oy;
      }
      tfg_gather_col_s16(g, img, oy, ox, input_offset, cols, 1, tmp); /* odd last pixel: computed twice, stored once */
      if (++ox == g->out_w) {
        ox = 0;
        ++oy;
      }
      tfg_gemm_cols_s8(q, cols, w2, bias2, n_out, groups, y, pair ? y + n_out : y);
    }
  }
  return TFG_OK;
}

int32_t tfg_conv2d_s8_1x1_dsp_scratch_bytes(const tfg_conv_geom16 *g) {
  const int32_t k4 = (g->in_c + 3) & ~3;
  return (g->in_c & 3) != 0 ? 6 * k4 : 4 * k4;
}
