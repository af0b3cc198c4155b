/* tfg_conv2d_s8_1x1_dsp: int8 pointwise (1×1, no padding, one group) convolution as a GEMM over pixels with Cortex-M
 * DSP SMLAD: four input pixels are widened once to int16 columns (input offset added), then per output channel one
 * 1 channel × 4 pixels block (tfg_gemm_dsp.h) over codegen's word-padded weights, requantized with SMMULR. Scratch: as
 * tfg_conv2d_s8_im2col_dsp's with K = in_c ≤ TFG_IM2COL_MAX. Bit-exact with tfg_conv2d_s8 (exact integer sums). */
#include "tfg_gemm_dsp.h"

tfg_status tfg_conv2d_s8_1x1_dsp(const tfg_conv_geom16 *geom, const tfg_s8_dsp_quant *quant, int32_t input_offset,
                                 const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out, void *scratch,
                                 int32_t scratch_bytes) {
  /* four interleaved int16 columns of K rounded up to 4, then the natural-order gather's row */
  const size_t k4 = ((size_t)(geom->in_c) + 3) & ~(size_t)3;
  int16_t *const cols = (int16_t *)scratch, *const tmp = cols + 4 * k4;
  if (scratch_bytes < tfg_conv2d_s8_1x1_dsp_scratch_bytes(geom)) return TFG_ERR_ARG;
  /* local copies: the int16 column stores below could alias *geom and *quant (the columns live in the arena) */
  const tfg_conv_geom16 gv = *geom;
  const tfg_conv_geom16 *g = &gv;
  const tfg_s8_dsp_quant qv = *quant;
  const int32_t groups = (g->in_c + 3) >> 2;
  const int32_t n_out = g->out_c;
  const int32_t pixels = g->out_h * g->out_w;
  for (int32_t b = 0; b < g->batch; ++b) {
    const int8_t *img = in + (size_t)b * g->in_h * g->in_w * g->in_c;
    int8_t *const y0 = out + (size_t)b * pixels * n_out;
    for (int32_t p = 0; p < pixels; p += 4) {
      int8_t *y[4];
      tfg_gather_block_s16(g, img, p, pixels, input_offset, cols, tmp, y0, y);
      tfg_gemm_cols_s8(&qv, cols, w, bias, n_out, groups, y);
    }
  }
  return TFG_OK;
}

int32_t tfg_conv2d_s8_1x1_dsp_scratch_bytes(const tfg_conv_geom16 *g) {
  const int32_t k4 = (g->in_c + 3) & ~3;
  return (g->in_c & 3) != 0 ? 10 * k4 : 8 * k4;
}
