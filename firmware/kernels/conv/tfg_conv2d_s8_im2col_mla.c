/* tfg_conv2d_s8_im2col_mla: int8 convolution (one group, any kernel/stride/padding/dilation, pointwise included) for
 * ARMv7-M cores without the DSP extension: four output pixels' receptive fields are gathered as int32 columns (input
 * offset added, padded taps 0) interleaved by element, then every output channel is a 1 × 4 block of MLA dot products
 * (tfg_gemm_mla.h: each weight sign-extended once for the four pixels; ≈ 1.66 instructions per MAC in the inner loop)
 * over codegen's word-padded weights, requantized as the _dsp kernels do. Scratch: four int32 columns of K rounded up
 * to 4, K = k_h·k_w·in_c ≤ TFG_IM2COL_MAX. Bit-exact with tfg_conv2d_s8 (exact integer sums). */
#include "tfg_gemm_mla.h"

tfg_status tfg_conv2d_s8_im2col_mla(const tfg_conv_geom16 *geom, const tfg_s8_dsp_quant *quant, int32_t input_offset,
                                    const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out, void *scratch,
                                    int32_t scratch_bytes) {
  if (scratch_bytes < tfg_conv2d_s8_im2col_mla_scratch_bytes(geom)) return TFG_ERR_ARG;
  /* local copies: the column stores below could alias *geom and *quant (the columns live in the arena) */
  const tfg_conv_geom16 gv = *geom;
  const tfg_conv_geom16 *g = &gv;
  const tfg_s8_dsp_quant qv = *quant;
  const int32_t k = g->k_h * g->k_w * g->in_c;
  const int32_t groups = (k + 3) >> 2;
  const int32_t n_out = g->out_c;
  const int32_t pixels = g->out_h * g->out_w;
  int32_t *const cols = (int32_t *)scratch;
  /* the elements past K meet zero weights; they are zeroed once so that they are finite */
  for (int32_t i = 4 * k; i < 16 * groups; ++i) cols[i] = 0;
  for (int32_t b = 0; b < g->batch; ++b) {
    const int8_t *img = in + (size_t)b * g->in_h * g->in_w * g->in_c;
    int8_t *const y0 = out + (size_t)b * pixels * n_out;
    for (int32_t p = 0; p < pixels; p += 4) {
      int8_t *y[4];
      for (int32_t j = 0; j < 4; ++j) {
        /* past the last pixel: the last one again, stored again with the same bytes */
        const int32_t pj = p + j < pixels ? p + j : pixels - 1;
        const int32_t oy = pj / g->out_w, ox = pj - oy * g->out_w;
        y[j] = y0 + (size_t)pj * n_out;
        tfg_gather_col_s32(g, img, oy, ox, input_offset, cols, j);
      }
      tfg_gemm_cols_mla(&qv, cols, w, bias, n_out, groups, y);
    }
  }
  return TFG_OK;
}

int32_t tfg_conv2d_s8_im2col_mla_scratch_bytes(const tfg_conv_geom16 *g) {
  return 16 * ((g->k_h * g->k_w * g->in_c + 3) & ~3);
}
