/* tfg_conv2d_f32_huff: float NHWC convolution whose OHWI weights are codebook indices in a canonical-Huffman bit stream
 * (Deep Compression). Each output channel's weights are decoded once into a row of indices in the scratch
 * (k_h·k_w·in_c/groups ≤ TFG_HUFF_ROW_MAX bytes, checked by codegen), then used at every output position.
 * A damaged stream returns TFG_ERR_CORRUPT: its length before any output, bad codes while decoding, a wrong bit
 * count at the end; reads never pass `bytes`. */
#include "tfg_huff.h"

tfg_status tfg_conv2d_f32_huff(const tfg_conv_geom *g, const float *in, const tfg_huff_stream *s, const float *bias,
                               float act_min, float act_max, float *out, void *scratch, int32_t scratch_bytes) {
  const int32_t group_in = g->in_c / g->groups;
  const int32_t group_out = g->out_c / g->groups;
  const uint32_t row_n = (uint32_t)(g->k_h * g->k_w * group_in);
  const uint32_t total = row_n * (uint32_t)g->out_c;
  /* In a sparse stream, uncoded positions are zero weights; 255 marks them (codegen keeps codebook_n ≤ 255 then). */
  const int32_t zero_mark = s->gap_escape > 0 ? 255 : 256;
  /* The codebook as floats, the codes' decode form and the row in the scratch (flash holds the codebook, maybe as
   * half, and only the codes' lengths). */
  tfg_huff_scratch sp;
  if (scratch_bytes < tfg_huff_scratch_layout(s, 1, (int32_t)row_n, scratch, &sp)) return TFG_ERR_ARG;
  uint8_t *const row = sp.row;
  const float *const codebook = sp.codebook;
  tfg_huff_parts p;
  if (row_n > TFG_HUFF_ROW_MAX || !tfg_huff_open(s, total, (uint32_t)g->out_c, sp.codebook, &p)) return TFG_ERR_CORRUPT;
  uint16_t counts[32];
  tfg_huff_code index_code, gap_code;
  if (!tfg_huff_build_codes(s, &p, counts, sp.symbols, sp.tables, &index_code, &gap_code)) return TFG_ERR_CORRUPT;
  tfg_huff_reader r = tfg_huff_reader_init(&p);
  uint32_t next_pos = 0, decoded = 0;
  int32_t pending = -1; /* index of a decoded weight that belongs to a later row */
  uint32_t pending_pos = 0;
  for (int32_t oc = 0; oc < g->out_c; ++oc) {
    const uint32_t row_start = (uint32_t)oc * row_n;
    for (uint32_t j = 0; j < row_n; ++j) row[j] = 255u;
    for (;;) {
      if (pending < 0) {
        if (decoded == s->count) break;
        pending_pos = next_pos;
        pending = tfg_huff_next_weight(&r, s, &index_code, &gap_code, total, &pending_pos);
        if (pending < 0) return TFG_ERR_CORRUPT;
        next_pos = pending_pos + 1u;
        decoded++;
      }
      if (pending_pos >= row_start + row_n) break;
      row[pending_pos - row_start] = (uint8_t)pending;
      pending = -1;
    }
    const int32_t ic0 = (oc / group_out) * group_in;
    for (int32_t b = 0; b < g->batch; ++b) {
      for (int32_t oy = 0; oy < g->out_h; ++oy) {
        for (int32_t ox = 0; ox < g->out_w; ++ox) {
          const int32_t iy0 = oy * g->stride_h - g->pad_top;
          const int32_t ix0 = ox * g->stride_w - g->pad_left;
          float acc = 0.0f;
          for (int32_t ky = 0; ky < g->k_h; ++ky) {
            const int32_t iy = iy0 + ky * g->dil_h;
            if (iy < 0 || iy >= g->in_h) continue; /* padding contributes 0 */
            for (int32_t kx = 0; kx < g->k_w; ++kx) {
              const int32_t ix = ix0 + kx * g->dil_w;
              if (ix < 0 || ix >= g->in_w) continue;
              const float *x = in + (((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c + ic0;
              const uint8_t *k = row + ((size_t)ky * g->k_w + kx) * group_in;
              for (int32_t ic = 0; ic < group_in; ++ic) {
                if ((int32_t)k[ic] != zero_mark) acc += x[ic] * codebook[k[ic]];
              }
            }
          }
          acc = tfg_huff_add_bias(acc, &p, bias, (uint32_t)oc);
          out[(((size_t)b * g->out_h + oy) * g->out_w + ox) * g->out_c + oc] = tfg_clamp_f32(acc, act_min, act_max);
        }
      }
    }
  }
  if (pending >= 0 || decoded != s->count || !tfg_huff_used_exactly(&r, s->bits)) return TFG_ERR_CORRUPT;
  return TFG_OK;
}

int32_t tfg_conv2d_f32_huff_scratch_bytes(const tfg_conv_geom *g, const tfg_huff_stream *s) {
  return tfg_huff_scratch_layout(s, 1, g->k_h * g->k_w * (g->in_c / g->groups), NULL, NULL);
}
