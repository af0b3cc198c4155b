/* tfg_dense_s8_huff: int8 fully-connected layer whose weights are int8 codes in a canonical-Huffman bit stream (Deep
 * Compression with int8 arithmetic): the codebook holds the int8 weight values and is read in place from flash, as TFLM's
 * LUT compression does. The stream is decoded while computing (no row buffer; the codes' decode tables in the scratch);
 * each kept weight adds (x + offset)·w, the
 * pruned ones add nothing, then tfg_dense_s8's requantization: bit-exact with it on the same int8 values.
 * A damaged stream (wrong length or CRC-32, bad code, overrun, not an int8 stream) returns TFG_ERR_CORRUPT. */
#include "tfg_huff.h"

/* Output channel o's int8 result from its accumulator (tfg_dense_s8's last three lines). */
static inline int8_t tfg_huff_s8_output(int32_t acc, const tfg_s8_channel_quant *q, const int32_t *bias, int32_t o,
                                        int32_t qo) {
  if (bias) acc += bias[o];
  acc = tfg_requantize(acc, q->multiplier[qo], q->shift[qo]) + q->output_offset;
  return (int8_t)tfg_clamp_i32(acc, q->act_min, q->act_max);
}

tfg_status tfg_dense_s8_huff(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_channel_quant *q,
                             const int8_t *in, const tfg_huff_stream *s, const int32_t *bias, int8_t *out,
                             void *scratch, int32_t scratch_bytes) {
  const uint32_t total = (uint32_t)in_n * (uint32_t)out_n;
  tfg_huff_scratch sp;
  if (scratch_bytes < tfg_huff_scratch_layout(s, 0, 0, scratch, &sp)) return TFG_ERR_ARG;
  tfg_huff_parts p;
  const int8_t *codebook = tfg_huff_open_s8(s, total, &p);
  if (!codebook) return TFG_ERR_CORRUPT;
  uint16_t counts[32];
  tfg_huff_code index_code, gap_code;
  if (!tfg_huff_build_codes(s, &p, counts, sp.symbols, sp.tables, &index_code, &gap_code)) return TFG_ERR_CORRUPT;
  const uint32_t row_n = (uint32_t)in_n;
  const int32_t per_channel = (s->flags & TFG_HUFF_ONE_SCALE) ? 0 : 1;
  /* The hot loop's constants in locals (they would be reloaded through the codes on every symbol otherwise). */
  const uint16_t *const itab = index_code.table, *const gtab = gap_code.table;
  const uint32_t ishift = 32u - (uint32_t)index_code.table_bits, gshift = 32u - (uint32_t)gap_code.table_bits;
  const uint32_t escape = (uint32_t)s->gap_escape, count = s->count, codebook_n = tfg_huff_codebook_n(s);
  const int32_t input_offset = q->input_offset;
  for (int32_t b = 0; b < batch; ++b) {
    const int8_t *x = in + (size_t)b * (size_t)in_n;
    int8_t *y = out + (size_t)b * (size_t)out_n;
    tfg_huff_reader r = tfg_huff_reader_init(&p);
    uint32_t pos = 0, row_start = 0; /* flat position of the next weight; start of the current row */
    int32_t o = 0;
    int32_t acc = 0;
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
        y[o] = tfg_huff_s8_output(acc, q, bias, o, o * per_channel);
        o++;
        acc = 0;
        row_start += row_n;
      }
      acc += ((int32_t)x[pos - row_start] + input_offset) * (int32_t)codebook[sym];
      pos++;
    }
    for (; o < out_n; ++o) { /* the last rows (and any all-zero rows at the end) */
      y[o] = tfg_huff_s8_output(acc, q, bias, o, o * per_channel);
      acc = 0;
    }
    if (!tfg_huff_used_exactly(&r, s->bits)) return TFG_ERR_CORRUPT;
  }
  return TFG_OK;
}

int32_t tfg_dense_s8_huff_scratch_bytes(const tfg_huff_stream *s) {
  return tfg_huff_scratch_layout(s, 0, 0, NULL, NULL);
}
