/* COBS + CRC-16 framing, device side: receive into a caller buffer, send streaming (no frame-sized buffer). */
#include "tfg_link.h"
#include "tfg_crc16.h"
#include "tfg_port.h"

uint32_t tfg_read_u32(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* COBS decode in place: the output never overtakes the input, so one buffer serves both. */
static int32_t cobs_decode(uint8_t *buf, uint32_t len, uint32_t *out_len) {
  uint32_t in = 0;
  uint32_t out = 0;
  while (in < len) {
    uint32_t code = buf[in++];
    if (code == 0u || in + code - 1u > len) return -1;
    for (uint32_t i = 1; i < code; i++) buf[out++] = buf[in++];
    if (code < 0xFFu && in < len) buf[out++] = 0u;
  }
  *out_len = out;
  return 0;
}

enum tfg_rx_status tfg_link_receive(uint8_t *buf, uint32_t capacity, tfg_frame *f) {
  uint32_t n = 0;
  int32_t overflow = 0;
  f->type = 0u;
  f->seq = 0u;
  f->body_bytes = 0u;
  f->body = buf + TFG_FRAME_HEADER_BYTES;
  for (;;) {
    uint8_t b = tfg_port_getc();
    if (b == 0u) break;
    if (n < capacity)
      buf[n++] = b;
    else
      overflow = 1; /* keep reading to the delimiter so the next frame starts clean */
  }
  if (overflow) return TFG_RX_TOO_LONG;
  if (n == 0u) return TFG_RX_EMPTY;
  uint32_t len = 0;
  if (cobs_decode(buf, n, &len) != 0) return TFG_RX_BAD_COBS;
  if (len < TFG_FRAME_HEADER_BYTES + TFG_FRAME_CRC_BYTES) return TFG_RX_BAD_LENGTH;
  f->type = buf[0];
  f->seq = buf[1];
  f->body_bytes = tfg_read_u32(buf + 4);
  uint32_t payload = len - TFG_FRAME_CRC_BYTES;
  uint16_t got = (uint16_t)(buf[payload] | (buf[payload + 1u] << 8));
  if (tfg_crc16_update(TFG_CRC16_INIT, buf, payload) != got) return TFG_RX_BAD_CRC;
  if (f->body_bytes != payload - TFG_FRAME_HEADER_BYTES) return TFG_RX_BAD_LENGTH;
  return TFG_RX_OK;
}

static void cobs_flush(tfg_tx *tx) {
  tfg_port_putc((uint8_t)(tx->used + 1u));
  for (uint32_t i = 0; i < tx->used; i++) tfg_port_putc(tx->block[i]);
  tx->used = 0;
}

static void cobs_put(tfg_tx *tx, uint8_t b) {
  if (b == 0u) {
    cobs_flush(tx);
    return;
  }
  tx->block[tx->used++] = b;
  if (tx->used == 254u) cobs_flush(tx); /* code 0xFF: a full block, no zero implied */
}

static void tx_raw(tfg_tx *tx, const uint8_t *data, uint32_t len) {
  tx->crc = tfg_crc16_update(tx->crc, data, len);
  for (uint32_t i = 0; i < len; i++) cobs_put(tx, data[i]);
}

void tfg_tx_begin(tfg_tx *tx, uint8_t type, uint8_t seq, uint32_t body_bytes) {
  const uint8_t header[TFG_FRAME_HEADER_BYTES] = {type,
                                                  seq,
                                                  0u,
                                                  0u,
                                                  (uint8_t)body_bytes,
                                                  (uint8_t)(body_bytes >> 8),
                                                  (uint8_t)(body_bytes >> 16),
                                                  (uint8_t)(body_bytes >> 24)};
  tx->used = 0;
  tx->crc = TFG_CRC16_INIT;
  tx_raw(tx, header, TFG_FRAME_HEADER_BYTES);
}

void tfg_tx_bytes(tfg_tx *tx, const void *data, uint32_t len) { tx_raw(tx, (const uint8_t *)data, len); }

void tfg_tx_u32(tfg_tx *tx, uint32_t value) {
  const uint8_t b[4] = {(uint8_t)value, (uint8_t)(value >> 8), (uint8_t)(value >> 16), (uint8_t)(value >> 24)};
  tx_raw(tx, b, 4u);
}

void tfg_tx_end(tfg_tx *tx) {
  const uint8_t crc[2] = {(uint8_t)tx->crc, (uint8_t)(tx->crc >> 8)};
  for (uint32_t i = 0; i < 2u; i++) cobs_put(tx, crc[i]);
  /* the final block always ends the frame: its code byte, then the delimiter */
  cobs_flush(tx);
  tfg_port_putc(0u);
}
