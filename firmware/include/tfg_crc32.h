/* tfg_crc32.h: CRC-32/IEEE (zlib: reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF), defined in
 * firmware/support/tfg_crc32.c. */
#ifndef TFG_CRC32_H
#define TFG_CRC32_H

#include <stdint.h>

/* CRC of n more bytes after a CRC of `crc` (0 to start). */
uint32_t tfg_crc32_update(uint32_t crc, const uint8_t *p, uint32_t n);
/* CRC of n bytes. */
uint32_t tfg_crc32(const uint8_t *p, uint32_t n);

#endif /* TFG_CRC32_H */
