/* CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF): the frame checksum; src/device/framing.ts computes the same. */
#ifndef TFG_CRC16_H
#define TFG_CRC16_H
#include <stdint.h>
#define TFG_CRC16_INIT 0xFFFFu
uint16_t tfg_crc16_update(uint16_t crc, const uint8_t *data, uint32_t len);
#endif
