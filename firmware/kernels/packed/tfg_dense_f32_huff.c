/* tfg_dense_f32_huff: float fully-connected layer whose weights are codebook indices in a canonical-Huffman bit stream
 * (Deep Compression). The stream is decoded while computing, one symbol per table lookup (tfg_huff_decode): no row
 * buffer, RAM = one TFG_HUFF_READER_BYTES reader. Sparse streams code (gap, index) pairs, so pruned weights cost nothing.
 * A damaged stream (wrong length or CRC-32, bad code, overrun) returns TFG_ERR_CORRUPT; reads never pass `bytes`. */
#include "tfg_support.h"

tfg_status tfg_dense_f32_huff(int32_t batch, int32_t in_n, int32_t out_n, const float *in, const tfg_huff_stream *s,
                              const float *codebook, const float *bias, float act_min, float act_max, float *out) {
  const uint32_t total = (uint32_t)in_n * (uint32_t)out_n;
  if (!tfg_huff_stream_ok(s, total)) return TFG_ERR_CORRUPT;
  const uint32_t row_n = (uint32_t)in_n;
  for (int32_t b = 0; b < batch; ++b) {
    const float *x = in + (size_t)b * (size_t)in_n;
    float *y = out + (size_t)b * (size_t)out_n;
    tfg_huff_reader r = tfg_huff_reader_init(s);
    uint32_t pos = 0, row_start = 0; /* flat position of the next weight; start of the current row */
    int32_t o = 0;
    float acc = 0.0f;
    for (uint32_t k = 0; k < s->count; ++k) {
      if (s->gap_escape > 0) { /* sparse: skip the zeros before this weight; an escape skips gap_escape zeros and goes on */
        for (;;) {
          const int32_t gap = tfg_huff_decode(&r, &s->gap);
          if (gap < 0) return TFG_ERR_CORRUPT;
          pos += (uint32_t)gap;
          if (pos >= total) return TFG_ERR_CORRUPT;
          if (gap != s->gap_escape) break;
        }
      }
      const int32_t sym = tfg_huff_decode(&r, &s->index);
      if (sym < 0 || sym >= s->codebook_n) return TFG_ERR_CORRUPT;
      while (pos - row_start >= row_n) { /* rows before this weight are complete */
        if (bias) acc += bias[o];
        y[o++] = tfg_clamp_f32(acc, act_min, act_max);
        acc = 0.0f;
        row_start += row_n;
      }
      acc += x[pos - row_start] * codebook[sym];
      pos++;
    }
    for (; o < out_n; ++o) { /* the last rows (and any all-zero rows at the end) */
      if (bias) acc += bias[o];
      y[o] = tfg_clamp_f32(acc, act_min, act_max);
      acc = 0.0f;
    }
    if (r.left != 0u) return TFG_ERR_CORRUPT;
  }
  return TFG_OK;
}
