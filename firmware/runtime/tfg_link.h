/* Frames on the serial link: COBS-encoded, 0x00-delimited; inside, an 8-byte header, the body and a CRC-16.
 * Layout (little-endian): type u8 | seq u8 | reserved u16 (0) | body length u32 | body | crc16 over header+body.
 * src/device/framing.ts is the host side of the same format. */
#ifndef TFG_LINK_H
#define TFG_LINK_H

#include <stdint.h>

#define TFG_FRAME_HEADER_BYTES 8u
#define TFG_FRAME_CRC_BYTES 2u
/* Bytes a receive buffer needs for a body of n bytes: COBS adds one byte per 254 plus one. */
#define TFG_FRAME_CAPACITY(n) ((n) + TFG_FRAME_HEADER_BYTES + TFG_FRAME_CRC_BYTES + ((n) + 10u) / 254u + 2u)

enum tfg_rx_status {
  TFG_RX_OK = 0,
  TFG_RX_EMPTY = 1,    /* a lone delimiter: the host flushes the line with one; ignore it */
  TFG_RX_TOO_LONG = 2, /* more bytes than the buffer holds before the delimiter */
  TFG_RX_BAD_COBS = 3,
  TFG_RX_BAD_CRC = 4,
  TFG_RX_BAD_LENGTH = 5 /* header length disagrees with the bytes received */
};

typedef struct {
  uint8_t type;
  uint8_t seq;
  uint32_t body_bytes;
  const uint8_t *body; /* inside the receive buffer, 8 bytes from its start (aligned if the buffer is) */
} tfg_frame;

/* Reads bytes up to the next 0x00 into buf and decodes the frame in place. On TFG_RX_BAD_* the
 * header fields of f are filled in as far as they could be read (seq may be garbage). */
enum tfg_rx_status tfg_link_receive(uint8_t *buf, uint32_t capacity, tfg_frame *f);

/* Streaming sender: no frame buffer, only one 254-byte COBS block (on the caller's stack). */
typedef struct {
  uint8_t block[254];
  uint32_t used;
  uint16_t crc;
} tfg_tx;

void tfg_tx_begin(tfg_tx *tx, uint8_t type, uint8_t seq, uint32_t body_bytes);
void tfg_tx_bytes(tfg_tx *tx, const void *data, uint32_t len);
void tfg_tx_u32(tfg_tx *tx, uint32_t value);
void tfg_tx_end(tfg_tx *tx);

uint32_t tfg_read_u32(const uint8_t *p);

#endif
