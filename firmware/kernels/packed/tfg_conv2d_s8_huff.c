/* tfg_conv2d_s8_huff: int8 NHWC convolution whose OHWI weights are int8 codes in a canonical-Huffman bit stream (Deep
 * Compression with int8 arithmetic; the codebook of int8 values is read in place from flash). Each output channel's
 * weights are decoded once into an int8 row in the scratch (k_h·k_w·in_c/groups ≤ TFG_HUFF_ROW_MAX, checked by codegen;
 * pruned weights 0), then used at every output position with tfg_conv2d_s8's arithmetic: bit-exact with it.
 * A damaged stream returns TFG_ERR_CORRUPT: its length before any output, bad codes while decoding, a wrong bit
 * count at the end; reads never pass `bytes`. */
#include "tfg_huff.h"

tfg_status tfg_conv2d_s8_huff(const tfg_conv_geom *g, const tfg_s8_channel_quant *q, const int8_t *in,
                              const tfg_huff_stream *s, const int32_t *bias, int8_t *out, void *scratch,
                              int32_t scratch_bytes) {
  const int32_t group_in = g->in_c / g->groups;
  const int32_t group_out = g->out_c / g->groups;
  const uint32_t row_n = (uint32_t)(g->k_h * g->k_w * group_in);
  const uint32_t total = row_n * (uint32_t)g->out_c;
  tfg_huff_scratch sp;
  if (scratch_bytes < tfg_huff_scratch_layout(s, 0, (int32_t)row_n, scratch, &sp)) return TFG_ERR_ARG;
  int8_t *const row = (int8_t *)sp.row;
  tfg_huff_parts p;
  const int8_t *codebook = row_n <= TFG_HUFF_ROW_MAX ? tfg_huff_open_s8(s, total, &p) : NULL;
  if (!codebook) return TFG_ERR_CORRUPT;
  uint16_t counts[32];
  tfg_huff_code index_code, gap_code;
  if (!tfg_huff_build_codes(s, &p, counts, sp.symbols, sp.tables, &index_code, &gap_code)) return TFG_ERR_CORRUPT;
  const int32_t per_channel = (s->flags & TFG_HUFF_ONE_SCALE) ? 0 : 1;
  tfg_huff_reader r = tfg_huff_reader_init(&p);
  uint32_t next_pos = 0, decoded = 0;
  int32_t pending = -1; /* index of a decoded weight that belongs to a later row */
  uint32_t pending_pos = 0;
  for (int32_t oc = 0; oc < g->out_c; ++oc) {
    const uint32_t row_start = (uint32_t)oc * row_n;
    for (uint32_t j = 0; j < row_n; ++j) row[j] = 0;
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
      row[pending_pos - row_start] = codebook[pending];
      pending = -1;
    }
    const int32_t ic0 = (oc / group_out) * group_in;
    const int32_t qo = oc * per_channel;
    for (int32_t b = 0; b < g->batch; ++b) {
      for (int32_t oy = 0; oy < g->out_h; ++oy) {
        for (int32_t ox = 0; ox < g->out_w; ++ox) {
          const int32_t iy0 = oy * g->stride_h - g->pad_top;
          const int32_t ix0 = ox * g->stride_w - g->pad_left;
          int32_t acc = 0;
          for (int32_t ky = 0; ky < g->k_h; ++ky) {
            const int32_t iy = iy0 + ky * g->dil_h;
            if (iy < 0 || iy >= g->in_h) continue; /* padding is the input zero point: contributes 0 */
            for (int32_t kx = 0; kx < g->k_w; ++kx) {
              const int32_t ix = ix0 + kx * g->dil_w;
              if (ix < 0 || ix >= g->in_w) continue;
              const int8_t *x = in + (((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c + ic0;
              const int8_t *k = row + ((size_t)ky * g->k_w + kx) * group_in;
              for (int32_t ic = 0; ic < group_in; ++ic) acc += ((int32_t)x[ic] + q->input_offset) * (int32_t)k[ic];
            }
          }
          if (bias) acc += bias[oc];
          acc = tfg_requantize(acc, q->multiplier[qo], q->shift[qo]) + q->output_offset;
          out[(((size_t)b * g->out_h + oy) * g->out_w + ox) * g->out_c + oc] =
              (int8_t)tfg_clamp_i32(acc, q->act_min, q->act_max);
        }
      }
    }
  }
  if (pending >= 0 || decoded != s->count || !tfg_huff_used_exactly(&r, s->bits)) return TFG_ERR_CORRUPT;
  return TFG_OK;
}

int32_t tfg_conv2d_s8_huff_scratch_bytes(const tfg_conv_geom *g, const tfg_huff_stream *s) {
  return tfg_huff_scratch_layout(s, 0, g->k_h * g->k_w * (g->in_c / g->groups), NULL, NULL);
}
