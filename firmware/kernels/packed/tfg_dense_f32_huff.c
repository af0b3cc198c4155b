/* tfg_dense_f32_huff: float fully-connected layer whose weights are codebook indices in a canonical-Huffman bit stream
 * (Deep Compression). The stream is decoded while computing, one symbol at a time: no row buffer, O(1) RAM. Sparse streams
 * code (gap, index) pairs, so pruned weights cost nothing. A damaged stream (bad code, overrun, wrong length or CRC-32)
 * returns TFG_ERR_CORRUPT; reads never pass the declared length. */
#include "tfg_support.h"

/* CRC-32 (IEEE, reflected) by nibbles: 16 words of flash instead of 256. */
static const uint32_t tfg_crc32_nibble[16] = {
  0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
  0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu, 0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
};

typedef struct {
  const uint8_t *data;
  uint32_t bits, pos, crc;
} tfg_bit_reader;

/* Next bit, MSB first; −1 past the end. Each byte enters the CRC when its first bit is read. */
static inline int32_t tfg_next_bit(tfg_bit_reader *r) {
  if (r->pos >= r->bits) return -1;
  const uint32_t byte = r->data[r->pos >> 3];
  if ((r->pos & 7u) == 0) {
    r->crc ^= byte;
    r->crc = (r->crc >> 4) ^ tfg_crc32_nibble[r->crc & 15u];
    r->crc = (r->crc >> 4) ^ tfg_crc32_nibble[r->crc & 15u];
  }
  const int32_t bit = (int32_t)((byte >> (7u - (r->pos & 7u))) & 1u);
  r->pos++;
  return bit;
}

/* Canonical Huffman decode (count[len] codes of each length 1..15, symbols in code order); −1 on a bad code or overrun. */
static int32_t tfg_huff_decode(tfg_bit_reader *r, const uint16_t *count, const uint8_t *symbols) {
  int32_t code = 0, first = 0, index = 0;
  for (int32_t len = 1; len <= 15; ++len) {
    const int32_t bit = tfg_next_bit(r);
    if (bit < 0) return -1;
    code |= bit;
    const int32_t n = (int32_t)count[len];
    if (code - first < n) return (int32_t)symbols[index + code - first];
    index += n;
    first = (first + n) << 1;
    code <<= 1;
  }
  return -1;
}

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
