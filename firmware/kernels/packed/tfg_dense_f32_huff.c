/* tfg_dense_f32_huff: float fully-connected layer whose weights are codebook indices in a canonical-Huffman bit stream
 * (Deep Compression). The stream is decoded while computing, one table lookup per symbol (tfg_huff_decode_fast): no row
 * buffer; the codebook as floats and the codes' decode tables, built from their flash lengths, live in the scratch, a
 * TFG_HUFF_READER_BYTES reader on the stack. Sparse streams code (gap, index) pairs, so pruned weights cost nothing.
 * A damaged stream (wrong length, bad code, overrun; the CRC-32 is tfg_huff_verify's, once) returns TFG_ERR_CORRUPT; reads never pass `bytes`. */
#include "tfg_huff.h"

tfg_status tfg_dense_f32_huff(int32_t batch, int32_t in_n, int32_t out_n, const float *in, const tfg_huff_stream *s,
                              const float *bias, float act_min, float act_max, float *out, void *scratch,
                              int32_t scratch_bytes) {
  const uint32_t total = (uint32_t)in_n * (uint32_t)out_n;
  /* The codebook as floats and the codes' decode form in the scratch (flash holds the codebook, maybe as half, and
   * only the codes' lengths). */
  tfg_huff_scratch sp;
  if (scratch_bytes < tfg_huff_scratch_layout(s, 1, 0, scratch, &sp)) return TFG_ERR_ARG;
  const float *const codebook = sp.codebook;
  tfg_huff_parts p;
  if (!tfg_huff_open(s, total, (uint32_t)out_n, sp.codebook, &p)) return TFG_ERR_CORRUPT;
  uint16_t counts[32];
  tfg_huff_code index_code, gap_code;
  if (!tfg_huff_build_codes(s, &p, counts, sp.symbols, sp.tables, &index_code, &gap_code)) return TFG_ERR_CORRUPT;
  const uint32_t row_n = (uint32_t)in_n;
  /* The hot loop's constants in locals (they would be reloaded through the codes on every symbol otherwise). */
  const uint16_t *const itab = index_code.table, *const gtab = gap_code.table;
  const uint32_t ishift = 32u - (uint32_t)index_code.table_bits, gshift = 32u - (uint32_t)gap_code.table_bits;
  const uint32_t escape = (uint32_t)s->gap_escape, count = s->count, codebook_n = tfg_huff_codebook_n(s);
  for (int32_t b = 0; b < batch; ++b) {
    const float *x = in + (size_t)b * (size_t)in_n;
    float *y = out + (size_t)b * (size_t)out_n;
    tfg_huff_reader r = tfg_huff_reader_init(&p);
    uint32_t pos = 0, row_start = 0; /* flat position of the next weight; start of the current row */
    int32_t o = 0;
    float acc = 0.0f;
    for (uint32_t k = 0; k < count; ++k) {
      if (escape > 0u) { /* sparse: skip the zeros before this weight; an escape skips `escape` zeros and goes on */
        for (;;) {
          const int32_t gap = tfg_huff_decode_fast(&r, gtab, gshift, &gap_code);
          if (gap < 0) return TFG_ERR_CORRUPT;
          pos += (uint32_t)gap;
          if (pos >= total) return TFG_ERR_CORRUPT;
          if ((uint32_t)gap != escape) break;
        }
      }
      const int32_t sym = tfg_huff_decode_fast(&r, itab, ishift, &index_code);
      if ((uint32_t)sym >= codebook_n) return TFG_ERR_CORRUPT; /* also −1 */
      while (pos - row_start >= row_n) {                       /* rows before this weight are complete */
        acc = tfg_huff_add_bias(acc, &p, bias, (uint32_t)o);
        y[o++] = tfg_clamp_f32(acc, act_min, act_max);
        acc = 0.0f;
        row_start += row_n;
      }
      acc += x[pos - row_start] * codebook[sym];
      pos++;
    }
    for (; o < out_n; ++o) { /* the last rows (and any all-zero rows at the end) */
      acc = tfg_huff_add_bias(acc, &p, bias, (uint32_t)o);
      y[o] = tfg_clamp_f32(acc, act_min, act_max);
      acc = 0.0f;
    }
    if (!tfg_huff_used_exactly(&r, s->bits)) return TFG_ERR_CORRUPT;
  }
  return TFG_OK;
}

int32_t tfg_dense_f32_huff_scratch_bytes(const tfg_huff_stream *s) {
  return tfg_huff_scratch_layout(s, 1, 0, NULL, NULL);
}
