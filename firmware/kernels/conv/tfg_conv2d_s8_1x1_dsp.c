/* tfg_conv2d_s8_1x1_dsp: int8 pointwise (1×1, no padding, one group) convolution as a GEMM over pixels with Cortex-M
 * DSP SMLAD: two input pixels are widened once to int16 columns (input offset added), then 2 pixels × 2 output
 * channels per inner loop over codegen's interleaved weights, requantized with SMMULR. Scratch: 4·in_c (rounded up to
 * 4) bytes of stack, in_c ≤ TFG_IM2COL_MAX. Bit-exact with tfg_conv2d_s8 (exact integer sums). */
#include "tfg_dsp.h"

/* The kernel body, out of line from the public function that sizes the stack buffers (variable-length arrays cost the
 * frame pointer a register). */
static TFG_NOINLINE void tfg_gemm_body(const tfg_conv_geom16 *g, const tfg_s8_dsp_quant *q, int32_t input_offset,
                                       const int8_t *in, const int8_t *w2, const int32_t *bias2, int8_t *out,
                                       int16_t *cols, int16_t *tmp) {
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
      if (pair && ++ox == g->out_w) { ox = 0; ++oy; }
      tfg_gather_col_s16(g, img, oy, ox, input_offset, cols, 1, tmp); /* odd last pixel: computed twice, stored once */
      if (++ox == g->out_w) { ox = 0; ++oy; }
      tfg_gemm_cols_s8(q, cols, w2, bias2, n_out, groups, y, pair ? y + n_out : y);
    }
  }
}

tfg_status tfg_conv2d_s8_1x1_dsp(const tfg_conv_geom16 *g, const tfg_s8_dsp_quant *q, int32_t input_offset,
                                 const int8_t *in, const int8_t *w2, const int32_t *bias2, int8_t *out) {
  /* sized to this call: two interleaved int16 columns of K rounded up to 4, and the natural-order gather's row */
  const size_t k4 = ((size_t)(g->in_c) + 3) & ~(size_t)3;
  int16_t cols[2 * k4] TFG_ALIGN(4);
  int16_t tmp[(g->in_c & 3) != 0 ? k4 : 1] TFG_ALIGN(4);
  tfg_gemm_body(g, q, input_offset, in, w2, bias2, out, cols, tmp);
  return TFG_OK;
}
