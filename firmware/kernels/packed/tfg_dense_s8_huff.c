/* tfg_dense_s8_huff: int8 fully-connected layer whose weights are int8 codes in a canonical-Huffman bit stream (Deep
 * Compression with int8 arithmetic): the codebook holds the int8 weight values and is read in place from flash, as TFLM's
 * LUT compression does. The stream is decoded while computing: one lookup in a pair table (built in the scratch from the
 * codes) gives a kept weight's value and the zeros before it, rarer codes are decoded one by one; each kept weight adds
 * (x + offset)·w, the pruned ones add nothing, then tfg_dense_s8's requantization: bit-exact with it on the same int8
 * values.
 * A damaged stream (wrong length or CRC-32, bad code, overrun, not an int8 stream) returns TFG_ERR_CORRUPT. */
#include "tfg_huff.h"

/* Output channel o's int8 result from its accumulator (tfg_dense_s8's last three lines). */
static inline int8_t tfg_huff_s8_output(int32_t acc, const tfg_s8_channel_quant *q, const int32_t *bias, int32_t o,
                                        int32_t qo) {
  if (bias) acc += bias[o];
  acc = tfg_requantize(acc, q->multiplier[qo], q->shift[qo]) + q->output_offset;
  return (int8_t)tfg_clamp_i32(acc, q->act_min, q->act_max);
}

/* The codes at the reader's position when the pair table has no entry for them (a gap escape, or a gap and index code
 * longer than the table together), decoded one by one: the zeros skipped before the weight plus one into *skip and
 * the weight into *w. 0 on damage (a bad code, an index outside the codebook, more zeros than `total`). */
static int32_t tfg_huff_s8_slow_weight(tfg_huff_reader *r, const tfg_huff_stream *s, const tfg_huff_code *index,
                                       const tfg_huff_code *gap, const int8_t *codebook, uint32_t total, uint32_t *skip,
                                       int32_t *w) {
  uint32_t zeros = 0;
  if (s->gap_escape > 0) {
    for (;;) {
      const int32_t g = tfg_huff_decode(r, gap);
      if (g < 0) return 0;
      zeros += (uint32_t)g;
      if (zeros >= total) return 0;
      if (g != s->gap_escape) break;
    }
  }
  const int32_t sym = tfg_huff_decode(r, index);
  if ((uint32_t)sym >= tfg_huff_codebook_n(s)) return 0; /* also −1 */
  *skip = zeros + 1u;
  *w = codebook[sym];
  return 1;
}

tfg_status tfg_dense_s8_huff(int32_t batch, int32_t in_n, int32_t out_n, const tfg_s8_channel_quant *q,
                             const int8_t *in, const tfg_huff_stream *s, const int32_t *bias, int8_t *out,
                             void *scratch, int32_t scratch_bytes) {
  const uint32_t total = (uint32_t)in_n * (uint32_t)out_n;
  tfg_huff_scratch sp;
  if (scratch_bytes < tfg_huff_scratch_layout(s, 0, 0, scratch, &sp)) return TFG_ERR_ARG;
  tfg_huff_parts p;
  const int8_t *codebook = tfg_huff_open_s8(s, total, &p);
  const uint32_t pair_bits = tfg_huff_pair_bits(s);
  if (!codebook || pair_bits < 1u || pair_bits > (uint32_t)TFG_HUFF_PAIR_BITS_MAX) return TFG_ERR_CORRUPT;
  uint16_t counts[32];
  tfg_huff_code index_code, gap_code;
  if (!tfg_huff_build_codes(s, &p, counts, sp.symbols, sp.tables, &index_code, &gap_code)) return TFG_ERR_CORRUPT;
  tfg_huff_build_pairs(&gap_code, &index_code, s->gap_escape, codebook, pair_bits, sp.pairs);
  const uint32_t row_n = (uint32_t)in_n;
  const int32_t per_channel = (s->flags & TFG_HUFF_ONE_SCALE) ? 0 : 1;
  /* The hot loop reads the stream at a bit position: 32 bits from its byte, shifted by the bits already used there. Up
   * to fast_end, 4 bytes are there to load; beyond it, a reader that never loads past `bytes` decodes the rest. */
  const uint32_t *const pairs = sp.pairs;
  const uint32_t pair_shift = 32u - pair_bits, count = s->count;
  const uint8_t *const data = p.stream;
  const uint32_t bytes = p.stream_bytes, fast_end = bytes > 3u ? (bytes - 3u) * 8u : 0u;
  const int32_t input_offset = q->input_offset;
  const uint16_t *const itab = index_code.table;
  const uint32_t ishift = 32u - (uint32_t)index_code.table_bits, codebook_n = tfg_huff_codebook_n(s);
  for (int32_t b = 0; b < batch; ++b) {
    const int8_t *x = in + (size_t)b * (size_t)in_n;
    int8_t *y = out + (size_t)b * (size_t)out_n;
    uint32_t bit = 0;
    uint32_t col = 0; /* the current weight's column in row o, plus one */
    int32_t o = 0;
    int32_t acc = 0;
    for (uint32_t k = count; k > 0u; --k) {
      /* The common case in a loop of its own (its values stay in registers): a whole weight by one lookup, in the
       * current row. Anything else (a row's end, escapes, longer codes, the stream's last bytes) goes below. */
      while (bit < fast_end) {
        const uint32_t e = pairs[(tfg_huff_peek32(data + (bit >> 3)) << (bit & 7u)) >> pair_shift];
        const uint32_t at = col + TFG_HUFF_PAIR_SKIP(e);
        if (!(e & TFG_HUFF_PAIR_WEIGHT) || at > row_n) break;
        bit += TFG_HUFF_PAIR_LEN(e);
        col = at;
        acc += ((int32_t)x[col - 1u] + input_offset) * (int32_t)(int8_t)(uint8_t)e;
        if (--k == 0u) break;
      }
      if (k == 0u) break;
      uint32_t skip;
      int32_t w;
      for (;;) { /* one kept weight: a pair-table lookup, after any gap escapes */
        uint32_t e = 0, len = 0;
        if (bit < fast_end) {
          e = pairs[(tfg_huff_peek32(data + (bit >> 3)) << (bit & 7u)) >> pair_shift];
          len = TFG_HUFF_PAIR_LEN(e);
          if (e & TFG_HUFF_PAIR_WEIGHT) {
            bit += len;
            skip = TFG_HUFF_PAIR_SKIP(e);
            w = (int8_t)(uint8_t)e;
            break;
          }
          if (e & TFG_HUFF_PAIR_ESCAPE) { /* skip `escape` zeros; another gap code follows */
            bit += len;
            col += TFG_HUFF_PAIR_SKIP(e);
            if (col > total) return TFG_ERR_CORRUPT;
            continue;
          }
          if (len && bit + len < fast_end) { /* the gap code alone: the index code by one lookup in its own table */
            const uint32_t at = bit + len;
            const uint32_t ie = itab[(tfg_huff_peek32(data + (at >> 3)) << (at & 7u)) >> ishift];
            if (ie >= 256u && (ie & 0xFFu) < codebook_n) {
              bit = at + (ie >> 8);
              skip = TFG_HUFF_PAIR_SKIP(e);
              w = codebook[ie & 0xFFu];
              break;
            }
          }
        }
        /* the gap code alone (then the index code by its own table), or longer codes (or the stream's last bytes)
         * one by one */
        tfg_huff_reader r = tfg_huff_reader_at(data, bytes, bit + len);
        if (len) {
          skip = TFG_HUFF_PAIR_SKIP(e);
          const int32_t sym = tfg_huff_decode(&r, &index_code);
          if ((uint32_t)sym >= tfg_huff_codebook_n(s)) return TFG_ERR_CORRUPT; /* also −1 */
          w = codebook[sym];
        } else if (!tfg_huff_s8_slow_weight(&r, s, &index_code, &gap_code, codebook, total, &skip, &w)) {
          return TFG_ERR_CORRUPT;
        }
        bit = tfg_huff_reader_bit(&r);
        break;
      }
      col += skip;
      while (col > row_n) { /* rows before this weight are complete */
        if (o + 1 >= out_n) return TFG_ERR_CORRUPT;
        y[o] = tfg_huff_s8_output(acc, q, bias, o, o * per_channel);
        o++;
        acc = 0;
        col -= row_n;
      }
      acc += ((int32_t)x[col - 1u] + input_offset) * w;
    }
    for (; o < out_n; ++o) { /* the last rows (and any all-zero rows at the end) */
      y[o] = tfg_huff_s8_output(acc, q, bias, o, o * per_channel);
      acc = 0;
    }
    if (bit != s->bits) return TFG_ERR_CORRUPT; /* the codes used exactly the stream's bits */
  }
  return TFG_OK;
}

int32_t tfg_dense_s8_huff_scratch_bytes(const tfg_huff_stream *s) {
  return tfg_huff_scratch_layout(s, 0, 0, NULL, NULL);
}
