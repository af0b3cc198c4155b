/* tfg_dense_s8_huff: int8 fully-connected layer whose weights are int8 codes in a canonical-Huffman bit stream (Deep
 * Compression with int8 arithmetic): the codebook holds the int8 weight values and is read in place from flash, as TFLM's
 * LUT compression does. The stream is decoded while computing: one lookup in a pair table (built in the scratch from the
 * codes) gives a kept weight's value and the zeros before it, rarer codes are decoded one by one; each kept weight adds
 * (x + offset)·w, the pruned ones add nothing, then tfg_dense_s8's requantization: bit-exact with it on the same int8
 * values.
 * A damaged stream (wrong length, bad code, overrun, not an int8 stream; the CRC-32 is tfg_huff_verify's, once) returns TFG_ERR_CORRUPT. */
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
  if (scratch_bytes < tfg_dense_s8_huff_scratch_bytes(s, in_n)) return TFG_ERR_ARG;
  const int32_t layout = tfg_huff_scratch_layout(s, 0, 0, scratch, &sp);
  int16_t *const xo = (int16_t *)(void *)((uint8_t *)scratch + ((layout + 1) & ~1)); /* the input row, offset added */
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
   * to fast_end, 4 bytes are there to load; beyond it, a reader that never loads past `bytes` decodes the rest. Rows
   * longer than TFG_HUFF_PAIR_ROW_MAX take the slow step only (a slow entry's high half would be a position in them). */
  const uint32_t *const pairs = sp.pairs;
  const uint32_t pair_shift = 32u - pair_bits;
  const uint8_t *const data = p.stream;
  const uint32_t bytes = p.stream_bytes;
  const uint32_t fast_end = bytes > 3u && row_n <= TFG_HUFF_PAIR_ROW_MAX ? (bytes - 3u) * 8u : 0u;
  const uint16_t *const itab = index_code.table;
  const uint32_t ishift = 32u - (uint32_t)index_code.table_bits, codebook_n = tfg_huff_codebook_n(s);
  const int32_t input_offset = q->input_offset;
  for (int32_t b = 0; b < batch; ++b) {
    const int8_t *const x = in + (size_t)b * (size_t)in_n;
    for (int32_t i = 0; i < in_n; ++i) xo[i] = (int16_t)(x[i] + input_offset);
    int8_t *const y = out + (size_t)b * (size_t)out_n;
    uint32_t bit = 0, left = s->count;
    uint32_t col = ~0u; /* the previous kept weight's position in row o (wraps to −1 at a row's start) */
    int32_t o = 0;
    int32_t acc = 0;
    while (left > 0u) {
      /* The common case in a loop of its own (its values stay in registers): a kept weight in the current row by one
       * lookup, or by two when the pair table holds its gap code alone (then the index code's own table). Each takes
       * ≤ TFG_HUFF_PAIR_BITS_MAX + TFG_HUFF_TABLE_BITS_MAX < 32 bits, so `n` weights from `bit` stay below fast_end and
       * need no bound check; a row's end, slow entries, longer codes and the stream's last bytes go below. */
      uint32_t n = bit < fast_end ? (fast_end - bit) >> 5 : 0u;
      if (n > left) n = left;
      const uint32_t budget = n;
      if (n > 0u) do {
          const uint32_t e = pairs[(tfg_huff_peek32(data + (bit >> 3)) << (bit & 7u)) >> pair_shift];
          uint32_t at = col + TFG_HUFF_PAIR_SKIP(e), used = TFG_HUFF_PAIR_LEN(e);
          int32_t w = (int8_t)(uint8_t)e;
          if (at >= row_n) { /* a later row, a slow entry, a gap code or escapes alone (their flags lift `at`) */
            at -= TFG_HUFF_PAIR_SKIP(TFG_HUFF_PAIR_GAP);
            if (at >= row_n) {
              at -= TFG_HUFF_PAIR_SKIP(TFG_HUFF_PAIR_ESCAPES) - TFG_HUFF_PAIR_SKIP(TFG_HUFF_PAIR_GAP);
              if (at >= row_n) break;
              w = 0;  /* escapes alone: their zeros skipped in this row (0 added at the last), a gap code follows */
              ++left; /* a lookup of the budget, not a kept weight */
            } else {  /* the gap code alone: the index code by one lookup in its own table */
              const uint32_t ib = bit + used;
              const uint32_t ie = itab[(tfg_huff_peek32(data + (ib >> 3)) << (ib & 7u)) >> ishift];
              if (ie < 256u) break; /* an index code longer than its table */
              used += ie >> 8;
              w = codebook[ie & 0xFFu];
            }
          }
          bit += used;
          col = at;
          acc += (int32_t)xo[at] * w;
        } while (--n > 0u);
      left -= budget - n;
      if (left == 0u) break;
      /* One kept weight past the loop: by one lookup when its codes fit the table, else code by code. */
      uint32_t skip;
      int32_t w;
      const uint32_t e =
          bit < fast_end ? pairs[(tfg_huff_peek32(data + (bit >> 3)) << (bit & 7u)) >> pair_shift] : TFG_HUFF_PAIR_SLOW;
      if (!(e & TFG_HUFF_PAIR_GAP)) {
        bit += TFG_HUFF_PAIR_LEN(e);
        skip = TFG_HUFF_PAIR_SKIP(e);
        w = (int8_t)(uint8_t)e;
      } else if ((e & TFG_HUFF_PAIR_ESCAPES) ==
                 TFG_HUFF_PAIR_GAP) { /* the gap code: then the index code by its table */
        bit += TFG_HUFF_PAIR_LEN(e);
        skip = TFG_HUFF_PAIR_SKIP(e & ~TFG_HUFF_PAIR_GAP);
        uint32_t ie = 0;
        if (bit < fast_end) ie = itab[(tfg_huff_peek32(data + (bit >> 3)) << (bit & 7u)) >> ishift];
        if (ie >= 256u && (ie & 0xFFu) < codebook_n) {
          bit += ie >> 8;
          w = codebook[ie & 0xFFu];
        } else {
          tfg_huff_reader r = tfg_huff_reader_at(data, bytes, bit);
          const int32_t sym = tfg_huff_decode(&r, &index_code);
          if ((uint32_t)sym >= codebook_n) return TFG_ERR_CORRUPT; /* also −1 */
          w = codebook[sym];
          bit = tfg_huff_reader_bit(&r);
        }
      } else {
        tfg_huff_reader r = tfg_huff_reader_at(data, bytes, bit);
        if (!tfg_huff_s8_slow_weight(&r, s, &index_code, &gap_code, codebook, total, &skip, &w)) return TFG_ERR_CORRUPT;
        bit = tfg_huff_reader_bit(&r);
      }
      col += skip;
      while (col >= row_n) { /* rows before this weight are complete */
        if (o + 1 >= out_n) return TFG_ERR_CORRUPT;
        y[o] = tfg_huff_s8_output(acc, q, bias, o, o * per_channel);
        o++;
        acc = 0;
        col -= row_n;
      }
      acc += (int32_t)xo[col] * w;
      --left;
    }
    for (; o < out_n; ++o) { /* the last rows (and any all-zero rows at the end) */
      y[o] = tfg_huff_s8_output(acc, q, bias, o, o * per_channel);
      acc = 0;
    }
    if (bit != s->bits) return TFG_ERR_CORRUPT; /* the codes used exactly the stream's bits */
  }
  return TFG_OK;
}

int32_t tfg_dense_s8_huff_scratch_bytes(const tfg_huff_stream *s, int32_t in_n) {
  return ((tfg_huff_scratch_layout(s, 0, 0, NULL, NULL) + 1) & ~1) + 2 * (in_n > 0 ? in_n : 0);
}
