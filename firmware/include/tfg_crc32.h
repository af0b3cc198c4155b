/* tfg_crc32.h: CRC-32/IEEE (zlib: reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF), defined in
 * firmware/support/tfg_crc32.c. */
#ifndef TFG_CRC32_H
#define TFG_CRC32_H

#include <stdint.h>

/* 1 on a little-endian core that loads a word from any address in one instruction (Cortex-M3 and up, x86 hosts): the
 * CRC and the Huffman decoder then read 4 bytes at once; 0 elsewhere (Cortex-M0: byte loads). */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ &&                       \
    (defined(__ARM_FEATURE_UNALIGNED) || defined(__x86_64__) || defined(__i386__))
#define TFG_WORD_LOADS 1
#else
#define TFG_WORD_LOADS 0
#endif

/* The 4 bytes at p as a little-endian word (p need not be aligned). */
static inline uint32_t tfg_load_le32(const uint8_t *p) {
#if TFG_WORD_LOADS
  uint32_t v;
  __builtin_memcpy(&v, p, sizeof v); /* one LDR; stays inline under -ffreestanding */
  return v;
#else
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
#endif
}

/* CRC of n more bytes after a CRC of `crc` (0 to start). */
uint32_t tfg_crc32_update(uint32_t crc, const uint8_t *p, uint32_t n);
/* CRC of n bytes. */
uint32_t tfg_crc32(const uint8_t *p, uint32_t n);

#endif /* TFG_CRC32_H */
