/* CRC-16/CCITT-FALSE, bitwise: 10 lines and no 512-byte table, which matters on a 16 KB micro:bit. */
#include "tfg_crc16.h"

uint16_t tfg_crc16_update(uint16_t crc, const uint8_t *data, uint32_t len) {
  for (uint32_t i = 0; i < len; i++) {
    crc = (uint16_t)(crc ^ ((uint16_t)data[i] << 8));
    for (int32_t bit = 0; bit < 8; bit++) {
      crc = (crc & 0x8000u) ? (uint16_t)((crc << 1) ^ 0x1021u) : (uint16_t)(crc << 1);
    }
  }
  return crc;
}
