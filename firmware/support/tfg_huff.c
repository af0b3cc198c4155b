/* tfg_huff.c: the out-of-line part of tfg_huff.h, run once (the CRC check), once per layer (header checks, building each
 * code's decode form) or rarely (the canonical walk for codes longer than the lookup table). */
#include "tfg_huff.h"
#include "tfg_crc32.h"

/* Bytes of a code's nibble lengths for n symbols. */
#define TFG_HUFF_LENGTHS_BYTES(n) (((uint32_t)(n) + 1u) / 2u)

int32_t tfg_huff_scratch_layout(const tfg_huff_stream *s, int32_t float_codebook, int32_t row_bytes, void *base,
                                tfg_huff_scratch *parts) {
  const uint32_t n = tfg_huff_codebook_n(s), gap_n = tfg_huff_gap_symbols(s);
  const uint32_t codebook_bytes = float_codebook ? 4u * n : 0u;
  const uint32_t pair_bits = tfg_huff_pair_bits(s), pair_bytes = pair_bits ? 4u << pair_bits : 0u;
  const uint32_t entries = (1u << tfg_huff_index_table_bits(s)) + (gap_n ? 1u << tfg_huff_gap_table_bits(s) : 1u);
  const uint32_t symbols = n + (gap_n ? gap_n : 1u);
  if (base) { /* codebook and pair table first (4-byte aligned), then the uint16 tables, then bytes */
    uint8_t *at = (uint8_t *)base;
    parts->codebook = float_codebook ? (float *)(void *)at : NULL;
    parts->pairs = pair_bytes ? (uint32_t *)(void *)(at + codebook_bytes) : NULL;
    parts->tables = (uint16_t *)(void *)(at + codebook_bytes + pair_bytes);
    parts->symbols = at + codebook_bytes + pair_bytes + 2u * entries;
    parts->row = parts->symbols + symbols;
  }
  return (int32_t)(codebook_bytes + pair_bytes + 2u * entries + symbols + (uint32_t)row_bytes);
}

int32_t tfg_huff_verify(const tfg_huff_stream *s) { return s->data && tfg_crc32(s->data, s->bytes) == s->crc32; }

/* Header checks before any decoding (at most `total` coded weights, table widths the decoders can hold, parts that add
 * up to `bytes`; the CRC-32 is tfg_huff_verify's, once, not every call's), then where the parts of `data` start into *p. The codebook takes 1 byte an
 * entry (TFG_HUFF_INT8_CODEBOOK), 2 (TFG_HUFF_HALF_CODEBOOK) or 4 (float). out_c: the layer's output channels (the
 * count of biases a TFG_HUFF_HALF_BIAS stream holds). 0 when damaged. */
static int32_t tfg_huff_check(const tfg_huff_stream *s, uint32_t total, uint32_t out_c, tfg_huff_parts *p) {
  const uint32_t n = tfg_huff_codebook_n(s), ib = tfg_huff_index_table_bits(s), gb = tfg_huff_gap_table_bits(s);
  if (!s->data || s->count > total || ib < 1 || ib > TFG_HUFF_TABLE_BITS_MAX) return 0;
  if (s->gap_escape > 0 && (gb < 1 || gb > TFG_HUFF_TABLE_BITS_MAX)) return 0;
  const uint32_t entry_bytes = (s->flags & TFG_HUFF_INT8_CODEBOOK) ? 1u : (s->flags & TFG_HUFF_HALF_CODEBOOK) ? 2u : 4u;
  const uint32_t codebook_bytes = n * entry_bytes;
  const uint32_t bias_bytes = (s->flags & TFG_HUFF_HALF_BIAS) ? 2u * out_c : 0u;
  p->bias_half = bias_bytes ? s->data + codebook_bytes : NULL;
  p->index_lengths = s->data + codebook_bytes + bias_bytes;
  p->gap_lengths = p->index_lengths + TFG_HUFF_LENGTHS_BYTES(n);
  p->stream = p->gap_lengths + TFG_HUFF_LENGTHS_BYTES(tfg_huff_gap_symbols(s));
  p->stream_bytes = (s->bits + 7u) / 8u;
  return (uint32_t)(p->stream - s->data) + p->stream_bytes == s->bytes;
}

/* A float kernel's tfg_huff_check, then the codebook as floats into codebook[tfg_huff_codebook_n(s)]. 0 when damaged or
 * when the stream holds int8 codes (an int8 kernel's). */
int32_t tfg_huff_open(const tfg_huff_stream *s, uint32_t total, uint32_t out_c, float *codebook, tfg_huff_parts *p) {
  if ((s->flags & (TFG_HUFF_INT8_CODEBOOK | TFG_HUFF_ONE_SCALE)) || !tfg_huff_check(s, total, out_c, p)) return 0;
  const int32_t half_cb = (s->flags & TFG_HUFF_HALF_CODEBOOK) != 0;
  for (uint32_t i = 0; i < tfg_huff_codebook_n(s); ++i) {
    if (half_cb) {
      codebook[i] = tfg_half_at(s->data, i);
    } else { /* little-endian float, read bytewise (data is a byte array) */
      codebook[i] = tfg_f32_from_bits((uint32_t)s->data[4u * i] | ((uint32_t)s->data[4u * i + 1u] << 8) |
                                      ((uint32_t)s->data[4u * i + 2u] << 16) | ((uint32_t)s->data[4u * i + 3u] << 24));
    }
  }
  return 1;
}

/* An int8 kernel's tfg_huff_check: the codebook of int8 codes, read in place from flash (no copy on the stack), or NULL
 * when damaged or when the stream is a float kernel's (half or float codebook, half biases). */
const int8_t *tfg_huff_open_s8(const tfg_huff_stream *s, uint32_t total, tfg_huff_parts *p) {
  if ((s->flags & (TFG_HUFF_HALF_CODEBOOK | TFG_HUFF_HALF_BIAS)) || !(s->flags & TFG_HUFF_INT8_CODEBOOK)) return NULL;
  return tfg_huff_check(s, total, 0u, p) ? (const int8_t *)s->data : NULL;
}

/* Builds a code's decode form from its flash lengths (n ≤ 256 symbols, table_bits checked by tfg_huff_open) into
 * the caller's count[16], symbols[n] and table[1 << table_bits]: canonical codes in (length, symbol) order, as
 * src/compress/huffman-code.ts assigns them. 0 when the lengths are over-subscribed (no prefix code has them). */
static int32_t tfg_huff_build(const uint8_t *lengths, uint32_t bits, uint32_t n, uint16_t *count, uint8_t *symbols,
                              uint16_t *table, tfg_huff_code *c) {
  uint16_t next[16];
  for (uint32_t len = 0; len < 16u; ++len) count[len] = 0;
  for (uint32_t s = 0; s < n; ++s) count[(lengths[s >> 1] >> ((s & 1u) * 4u)) & 0xFu]++;
  count[0] = 0;
  uint32_t kraft = 0, at = 0; /* Σ 2^(15 − len) over the codes: ≤ 2^15 for a prefix code */
  for (uint32_t len = 1; len < 16u; ++len) {
    kraft += (uint32_t)count[len] << (15u - len);
    next[len] = (uint16_t)at;
    at += count[len];
  }
  if (kraft > (1u << 15)) return 0;
  for (uint32_t s = 0; s < n; ++s) {
    const uint32_t len = (lengths[s >> 1] >> ((s & 1u) * 4u)) & 0xFu;
    if (len) symbols[next[len]++] = (uint8_t)s;
  }
  for (uint32_t i = 0; i < (1u << bits); ++i) table[i] = 0;
  uint32_t code = 0, idx = 0;
  for (uint32_t len = 1; len <= bits; ++len) { /* codes longer than the table stay 0: the walk decodes them */
    for (uint32_t j = 0; j < count[len]; ++j, ++code, ++idx) {
      const uint32_t first = code << (bits - len);
      for (uint32_t e = 0; e < (1u << (bits - len)); ++e) table[first + e] = (uint16_t)((len << 8) | symbols[idx]);
    }
    code <<= 1;
  }
  c->count = count;
  c->symbols = symbols;
  c->table = table;
  c->table_bits = (int32_t)bits;
  return 1;
}

/* Builds the index and (when sparse) gap codes of a checked stream into counts[32] and the scratch's symbols and tables
 * (tfg_huff_scratch); a dense stream's gap code is a copy of the index code (never used). 0 on bad lengths. */
int32_t tfg_huff_build_codes(const tfg_huff_stream *s, const tfg_huff_parts *p, uint16_t *counts, uint8_t *symbols,
                             uint16_t *tables, tfg_huff_code *index, tfg_huff_code *gap) {
  const uint32_t index_n = tfg_huff_codebook_n(s), gap_n = tfg_huff_gap_symbols(s),
                 index_bits = tfg_huff_index_table_bits(s);
  if (!tfg_huff_build(p->index_lengths, index_bits, index_n, counts, symbols, tables, index)) return 0;
  if (!gap_n) {
    *gap = *index;
    return 1;
  }
  return tfg_huff_build(p->gap_lengths, tfg_huff_gap_table_bits(s), gap_n, counts + 16, symbols + index_n,
                        tables + (1u << index_bits), gap);
}

/* Fills the pair-table entries of every kept weight whose codes, after `prefix` (plen bits: the escapes before them,
 * `zeros` zeros in all), fit in `bits`: each gap code but the escape (none when dense) then each index code beside it. */
static void tfg_huff_fill_weights(const tfg_huff_code *gap, const tfg_huff_code *index, uint32_t escape,
                                  const int8_t *values, uint32_t bits, uint32_t prefix, uint32_t plen, uint32_t zeros,
                                  uint32_t *pairs) {
  uint32_t gap_code = 0, gap_at = 0;
  for (uint32_t gap_len = escape ? 1u : 0u; plen + gap_len < bits; ++gap_len, gap_code <<= 1) {
    const uint32_t gap_n = escape ? gap->count[gap_len] : 1u; /* dense: one turn, gap 0 in no bits */
    for (uint32_t j = 0; j < gap_n; ++j, ++gap_code, ++gap_at) {
      const uint32_t g = escape ? gap->symbols[gap_at] : 0u;
      if (escape && g == escape) continue;
      const uint32_t head = (prefix << gap_len) | gap_code, head_len = plen + gap_len;
      if (escape) { /* the gap code alone (its index code decoded next); the weights below overwrite where they fit */
        const uint32_t e = TFG_HUFF_PAIR_GAP | ((zeros + g + 1u) << 16) | (head_len << 8);
        uint32_t *to = pairs + (head << (bits - head_len));
        for (uint32_t k = 0; k < (1u << (bits - head_len)); ++k) to[k] = e;
      }
      uint32_t code = 0, at = 0;
      for (uint32_t len = 1u; head_len + len <= bits; ++len, code <<= 1) {
        for (uint32_t i = 0; i < index->count[len]; ++i, ++code, ++at) {
          const uint32_t s = index->symbols[at], total = head_len + len, span = 1u << (bits - total);
          const uint32_t e = ((zeros + g + 1u) << 16) | (total << 8) | (values ? (uint8_t)values[s] : s);
          uint32_t *to = pairs + (((head << len) | code) << (bits - total));
          for (uint32_t k = 0; k < span; ++k) to[k] = e;
        }
      }
    }
    if (!escape) return;
  }
}

/* Pair tables (see tfg_huff.h): every entry starts as TFG_HUFF_PAIR_SLOW; then, after 0, 1, 2, … escape codes (as many
 * as fit), the escapes alone, the kept weights and the gap codes alone overwrite the entries starting with their codes. */
void tfg_huff_build_pairs(const tfg_huff_code *gap, const tfg_huff_code *index, uint32_t escape, const int8_t *values,
                          uint32_t bits, uint32_t *pairs) {
  for (uint32_t i = 0; i < (1u << bits); ++i) pairs[i] = TFG_HUFF_PAIR_SLOW;
  uint32_t escape_code = 0, escape_len = 0;
  if (escape) { /* the escape's canonical code */
    uint32_t code = 0, at = 0;
    for (uint32_t len = 1u; len <= 15u && !escape_len; ++len, code <<= 1) {
      for (uint32_t j = 0; j < gap->count[len]; ++j, ++code, ++at) {
        if (gap->symbols[at] == escape) {
          escape_code = code;
          escape_len = len;
          break;
        }
      }
    }
  }
  uint32_t prefix = 0, plen = 0, zeros = 0;
  for (;;) {
    if (plen) { /* these escapes alone, where nothing below fits after them */
      const uint32_t e = TFG_HUFF_PAIR_ESCAPES | (zeros << 16) | (plen << 8);
      uint32_t *to = pairs + (prefix << (bits - plen));
      for (uint32_t k = 0; k < (1u << (bits - plen)); ++k) to[k] = e;
    }
    tfg_huff_fill_weights(gap, index, escape, values, bits, prefix, plen, zeros, pairs);
    if (!escape_len || plen + escape_len > bits) return; /* room for one more escape? */
    prefix = (prefix << escape_len) | escape_code;
    plen += escape_len;
    zeros += escape;
  }
}

/* Canonical walk for a code longer than the lookup table (see tfg_huff.h). */
uint32_t tfg_huff_walk(uint32_t buf, const tfg_huff_code *c) {
  int32_t code = 0, first = 0, index = 0;
  for (uint32_t len = 1u; len <= 15u; ++len) {
    code |= (int32_t)((buf >> (32u - len)) & 1u);
    const int32_t n = (int32_t)c->count[len];
    if (code - first < n) return (len << 8) | c->symbols[index + code - first];
    index += n;
    first = (first + n) << 1;
    code <<= 1;
  }
  return 0u;
}
