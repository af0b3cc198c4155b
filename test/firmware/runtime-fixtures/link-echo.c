/* Test harness: the runtime's framing (tfg_link.c) on stdin/stdout. Echoes every good frame back with type | 0x40,
 * answers a bad one with an ERROR-like frame (type 0xFF, body = the rx status), so TS and C framing can be compared. */
#include <stdio.h>
#include <stdlib.h>
#include "tfg_link.h"
#include "tfg_port.h"

void tfg_port_putc(uint8_t byte)
{
    putchar(byte);
    if (byte == 0u) fflush(stdout);
}

uint8_t tfg_port_getc(void)
{
    int c = getchar();
    if (c == EOF) exit(0);
    return (uint8_t)c;
}

int main(void)
{
    static uint32_t buf[1024];   /* test harness only: 4 KB receive buffer */
    for (;;) {
        tfg_frame f;
        enum tfg_rx_status st = tfg_link_receive((uint8_t *)buf, sizeof buf, &f);
        if (st == TFG_RX_EMPTY) continue;
        tfg_tx tx;
        if (st != TFG_RX_OK) {
            const uint8_t code = (uint8_t)st;
            tfg_tx_begin(&tx, 0xFFu, f.seq, 1u);
            tfg_tx_bytes(&tx, &code, 1u);
            tfg_tx_end(&tx);
            continue;
        }
        tfg_tx_begin(&tx, (uint8_t)(f.type | 0x40u), f.seq, f.body_bytes);
        tfg_tx_bytes(&tx, f.body, f.body_bytes);
        tfg_tx_end(&tx);
    }
}
