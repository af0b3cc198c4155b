/* tfg_dense_f32_huff: float fully-connected layer whose weights are codebook indices in a canonical-Huffman bit stream
 * (Deep Compression). The stream is decoded while computing, one symbol at a time: no row buffer, O(1) RAM. Sparse streams
 * code (gap, index) pairs, so pruned weights cost nothing. A damaged stream (bad code, overrun, wrong length or CRC-32)
 * returns TFG_ERR_CORRUPT; reads never pass the declared length. */
#include "tfg_support.h"

tfg_status tfg_dense_f32_huff(int32_t batch, int32_t in_n, int32_t out_n, const float *in, const tfg_huff_stream *s,
                              const float *codebook, const float *bias, float act_min, float act_max, float *out) {
  const uint32_t total = (uint32_t)in_n * (uint32_t)out_n;
  if (s->bytes != (s->bits + 7u) / 8u || s->count > total) return TFG_ERR_CORRUPT;
  for (int32_t b = 0; b < batch; ++b) {
    const float *x = in + (size_t)b * (size_t)in_n;
    float *y = out + (size_t)b * (size_t)out_n;
    tfg_bit_reader r = { s->data, s->bits, 0u, 0xFFFFFFFFu };
    uint32_t pos = 0, row_start = 0;
    int32_t o = 0;
    float acc = 0.0f;
    for (uint32_t k = 0; k < s->count; ++k) {
      if (s->gap_escape > 0) { /* sparse: skip the zeros before this weight; an escape skips gap_escape zeros and goes on */
        for (;;) {
          const int32_t gap = tfg_huff_decode(&r, s->gap_count, s->gap_symbols);
          if (gap < 0) return TFG_ERR_CORRUPT;
          pos += (uint32_t)gap;
          if (pos >= total) return TFG_ERR_CORRUPT;
          if (gap != s->gap_escape) break;
        }
      }
      const int32_t sym = tfg_huff_decode(&r, s->index_count, s->index_symbols);
      if (sym < 0 || sym >= s->codebook_n) return TFG_ERR_CORRUPT;
      while (pos >= row_start + (uint32_t)in_n) { /* rows before this weight are complete */
        if (bias) acc += bias[o];
        y[o++] = tfg_clamp_f32(acc, act_min, act_max);
        acc = 0.0f;
        row_start += (uint32_t)in_n;
      }
      acc += x[pos - row_start] * codebook[sym];
      pos++;
    }
    for (; o < out_n; ++o) { /* the last rows (and any all-zero rows at the end) */
      if (bias) acc += bias[o];
      y[o] = tfg_clamp_f32(acc, act_min, act_max);
      acc = 0.0f;
    }
    if (r.pos != s->bits || (r.crc ^ 0xFFFFFFFFu) != s->crc32) return TFG_ERR_CORRUPT;
  }
  return TFG_OK;
}
