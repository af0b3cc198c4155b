/* tfg_huff.h: the canonical-Huffman weight streams of the packed (Deep Compression) kernels. Per symbol: a 32-bit bit
 * buffer refilled byte by byte and one lookup in a per-code table on the next table_bits bits (inline here: the
 * decoders' inner loop); before a layer, the stream's header is checked and each code's decode form is built from its
 * flash lengths (the CRC-32 is checked once, tfg_huff_verify), and codes longer than the table take the canonical walk (out of line, in
 * firmware/support/tfg_huff.c). The stream layout: tfg_huff_stream in tfg_kernels.h, src/packing/huffman-stream.ts. */
#ifndef TFG_HUFF_H
#define TFG_HUFF_H

#include "tfg_support.h"
#include "tfg_crc32.h"

/* One canonical code in decode form (built by tfg_huff_build_codes): count[len] codes of each length 1..15 (index 0
 * unused), symbols in canonical order, and a lookup table on the next table_bits stream bits: entry =
 * (code length << 8) | symbol, 0 = a longer code (or none), decoded by the canonical walk over count/symbols. */
typedef struct {
  const uint16_t *count;
  const uint8_t *symbols;
  const uint16_t *table;
  int32_t table_bits;
} tfg_huff_code;

/* A stream being read: its bytes and a 32-bit bit buffer. */
typedef struct {
  const uint8_t *data;
  uint32_t next, bytes; /* next byte to load; stream bytes (never loaded past) */
  uint32_t buf;         /* unread bits, MSB-aligned; zeros below the loaded ones */
  int32_t have;         /* loaded bits in buf; negative once codes ran past the last byte (zeros were decoded) */
} tfg_huff_reader;

/* RAM of one reader (what a streaming decoder needs besides the kernel's locals). */
#define TFG_HUFF_READER_BYTES ((int32_t)sizeof(tfg_huff_reader))

/* Where the parts of a checked stream's `data` start (tfg_huff_open); bias_half is NULL when the stream holds none. */
typedef struct {
  const uint8_t *bias_half, *index_lengths, *gap_lengths, *stream;
  uint32_t stream_bytes;
} tfg_huff_parts;

static inline tfg_huff_reader tfg_huff_reader_init(const tfg_huff_parts *p) {
  tfg_huff_reader r = {p->stream, 0u, p->stream_bytes, 0u, 0};
  return r;
}

/* A reader at bit `bit` of the stream (past its end: no bytes left, `have` negative by the bits beyond it). */
static inline tfg_huff_reader tfg_huff_reader_at(const uint8_t *data, uint32_t bytes, uint32_t bit) {
  tfg_huff_reader r = {data, bit >> 3, bytes, 0u, 0};
  if (r.next < bytes) {
    r.buf = ((uint32_t)data[r.next++] << 24) << (bit & 7u);
    r.have = 8 - (int32_t)(bit & 7u);
  } else {
    r.next = bytes;
    r.have = (int32_t)(bytes * 8u) - (int32_t)bit;
  }
  return r;
}

/* The bit position a reader has reached (its have is negative past the end). */
static inline uint32_t tfg_huff_reader_bit(const tfg_huff_reader *r) { return r->next * 8u - (uint32_t)r->have; }

/* The 32 stream bits from byte p on, MSB first (4 bytes must be there): LDR + REV where the core loads words from any
 * address (TFG_WORD_LOADS), byte loads elsewhere. */
static inline uint32_t tfg_huff_peek32(const uint8_t *p) {
#if TFG_WORD_LOADS
  return __builtin_bswap32(tfg_load_le32(p));
#else
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
#endif
}

/* After the last symbol: did the codes use exactly the stream's `bits`? Codes running into the last byte's padding or
 * past the end (decoded from zeros, never read from memory) fail here; tfg_huff_verify vouched for the bytes. */
static inline int32_t tfg_huff_used_exactly(const tfg_huff_reader *r, uint32_t bits) {
  return r->have >= 0 && r->next * 8u - (uint32_t)r->have == bits;
}

/* Symbols of the stream's codes: codebook_n1 + 1 for the index, gap_escape + 1 for the gap (0 when dense); table widths. */
static inline uint32_t tfg_huff_codebook_n(const tfg_huff_stream *s) { return (uint32_t)s->codebook_n1 + 1u; }
static inline uint32_t tfg_huff_gap_symbols(const tfg_huff_stream *s) {
  return s->gap_escape > 0 ? (uint32_t)s->gap_escape + 1u : 0u;
}
static inline uint32_t tfg_huff_index_table_bits(const tfg_huff_stream *s) { return s->table_bits & 0xFu; }
static inline uint32_t tfg_huff_gap_table_bits(const tfg_huff_stream *s) { return (uint32_t)s->table_bits >> 4; }
static inline uint32_t tfg_huff_pair_bits(const tfg_huff_stream *s) {
  return (uint32_t)s->flags >> TFG_HUFF_PAIR_SHIFT;
}

/* IEEE half at p (little-endian) as float. */
static inline float tfg_half_at(const uint8_t *p, uint32_t i) {
  return tfg_half_to_f32((uint16_t)(p[2u * i] | (p[2u * i + 1u] << 8)));
}

/* Adds output channel o's bias (the stream's half one, else the float array's, else none). */
static inline float tfg_huff_add_bias(float acc, const tfg_huff_parts *p, const float *bias, uint32_t o) {
  if (p->bias_half) return acc + tfg_half_at(p->bias_half, o);
  return bias ? acc + bias[o] : acc;
}

/* Where a decoder's scratch (from the arena, 4-byte aligned) holds its parts: the codebook as floats (float kernels),
 * the pair table (2^pair_bits uint32, when the stream has one), both codes' lookup tables (2^table_bits uint16 each; one
 * entry for a dense stream's absent gap code), their symbols (codebook_n + gap_escape + 1, or codebook_n + 1 when
 * dense) and a conv kernel's decoded row. */
typedef struct {
  float *codebook;
  uint32_t *pairs;
  uint16_t *tables;
  uint8_t *symbols;
  uint8_t *row;
} tfg_huff_scratch;

/* Bytes of a decoder's scratch for stream s, with a float codebook or not and a decoded row of row_bytes; with base not
 * NULL, also where each part starts in it (into *parts). The descriptor alone sizes it, so codegen computes the same
 * figure from the stream it packs (huffScratchBytes in src/packing/huffman-stream.ts). */
int32_t tfg_huff_scratch_layout(const tfg_huff_stream *s, int32_t float_codebook, int32_t row_bytes, void *base,
                                tfg_huff_scratch *parts);

/* A float kernel's checks before any decoding (at most `total` coded weights, table widths the decoders can hold, parts
 * that add up to `bytes`; not the CRC: tfg_huff_verify), then where the parts of `data` start into *p and the codebook as
 * floats into codebook[tfg_huff_codebook_n(s)]. out_c: the layer's output channels (the count of biases a
 * TFG_HUFF_HALF_BIAS stream holds). 0 when damaged or when the stream holds int8 codes (an int8 kernel's). */
int32_t tfg_huff_open(const tfg_huff_stream *s, uint32_t total, uint32_t out_c, float *codebook, tfg_huff_parts *p);

/* An int8 kernel's checks (as tfg_huff_open's): the codebook of int8 codes, read in place from flash (no copy), or NULL
 * when damaged or when the stream is a float kernel's (half or float codebook, half biases). */
const int8_t *tfg_huff_open_s8(const tfg_huff_stream *s, uint32_t total, tfg_huff_parts *p);

/* Builds the index and (when sparse) gap codes of a checked stream into counts[32] and the scratch's symbols and tables
 * (tfg_huff_scratch); a dense stream's gap code is a copy of the index code (never used). 0 on bad lengths. */
int32_t tfg_huff_build_codes(const tfg_huff_stream *s, const tfg_huff_parts *p, uint16_t *counts, uint8_t *symbols,
                             uint16_t *tables, tfg_huff_code *index, tfg_huff_code *gap);

/* A pair-table entry on the next pair_bits stream bits: a whole kept weight, its gap code (after any gap escapes) and its
 * index code at once: (zeros skipped + 1) << 16 | (the codes' length) << 8 | the weight's low byte. With TFG_HUFF_PAIR_GAP:
 * the gap code (after any escapes) alone, its index code longer than the rest of the table: (zeros skipped + 1) << 16 |
 * (the codes' length) << 8. With TFG_HUFF_PAIR_ESCAPES: gap escapes alone, no gap code fits after them: (zeros
 * skipped) << 16 | (their length) << 8. TFG_HUFF_PAIR_SLOW: not even an escape fits (codes decoded one by one). Zeros
 * + 1 stay below 2^12 (≤ 10 escapes of ≤ 255 zeros, then a gap of ≤ 255), so in a row of up to TFG_HUFF_PAIR_ROW_MAX
 * inputs, the position an entry gives minus TFG_HUFF_PAIR_GAP's 2^15 is a position only for a gap entry, and minus
 * TFG_HUFF_PAIR_ESCAPES's 2^15 + 2^14 only for an escapes entry: one compare per kind. */
#define TFG_HUFF_PAIR_GAP 0x80000000u
#define TFG_HUFF_PAIR_ESCAPES 0xC0000000u
#define TFG_HUFF_PAIR_SLOW 0xFFFF0000u
#define TFG_HUFF_PAIR_ROW_MAX 0x3000u
#define TFG_HUFF_PAIR_SKIP(e) ((e) >> 16)
#define TFG_HUFF_PAIR_LEN(e) (((e) >> 8) & 0x1Fu)

/* Fills pairs[1 << bits] from the built codes: every kept weight whose escapes, gap code (none when the stream is dense)
 * and index code fit in `bits` together. values: the int8 codebook (the entry's low byte is the weight), or NULL (the
 * index). `escape`: the stream's gap escape (0 when dense). */
void tfg_huff_build_pairs(const tfg_huff_code *gap, const tfg_huff_code *index, uint32_t escape, const int8_t *values,
                          uint32_t bits, uint32_t *pairs);

/* Canonical walk over the MSB-aligned bits of buf for a code longer than the lookup table: (length << 8) | symbol, or 0
 * when no code of ≤ 15 bits matches. Out of line: it is the rare path, and inlined it would cost the hot loop registers. */
uint32_t tfg_huff_walk(uint32_t buf, const tfg_huff_code *c) TFG_PURE;

/* Decodes one symbol with the code's lookup table (table, 32 − table_bits); −1 on an invalid code. A code running past
 * the stream's end decodes zeros: the caller bounds the symbol count and checks tfg_huff_used_exactly at the end. */
static inline int32_t tfg_huff_decode_fast(tfg_huff_reader *r, const uint16_t *table, uint32_t shift,
                                           const tfg_huff_code *c) {
  while (r->have <= 24 && r->next < r->bytes) { /* afterwards: ≥ 25 bits loaded, or the whole stream (then zeros) */
    r->buf |= (uint32_t)r->data[r->next++] << (24 - r->have);
    r->have += 8;
  }
  uint32_t e = table[r->buf >> shift];
  if (e < 256u) { /* longer than the table (or invalid) */
    e = tfg_huff_walk(r->buf, c);
    if (e == 0u) return -1;
  }
  const uint32_t len = e >> 8;
  r->buf <<= len;
  r->have -= (int32_t)len;
  return (int32_t)(e & 0xFFu);
}

/* Decodes one symbol; −1 on an invalid code (see tfg_huff_decode_fast for the end of the stream). */
static inline int32_t tfg_huff_decode(tfg_huff_reader *r, const tfg_huff_code *c) {
  return tfg_huff_decode_fast(r, c->table, 32u - (uint32_t)c->table_bits, c);
}

/* The conv decoders' step: the next coded weight's flat position (after *pos, gaps skipped when sparse) and codebook
 * index; −1 on damage (a bad code, a position at or past `total`, an index outside the codebook). */
static inline int32_t tfg_huff_next_weight(tfg_huff_reader *r, const tfg_huff_stream *s, const tfg_huff_code *index,
                                           const tfg_huff_code *gap_code, uint32_t total, uint32_t *pos) {
  if (s->gap_escape > 0) {
    for (;;) {
      const int32_t gap = tfg_huff_decode(r, gap_code);
      if (gap < 0) return -1;
      *pos += (uint32_t)gap;
      if (*pos >= total) return -1;
      if (gap != s->gap_escape) break;
    }
  }
  const int32_t sym = tfg_huff_decode(r, index);
  return (sym < 0 || (uint32_t)sym >= tfg_huff_codebook_n(s)) ? -1 : sym;
}

#endif /* TFG_HUFF_H */
