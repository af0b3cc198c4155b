/* Port layer for QEMU's microbit (nRF51822, Cortex-M0): nRF51 UART for the link. No timer here follows
 * QEMU's -icount clock (SysTick does not tick, TIMER0 gives 1-2 counts), so latency is reported unavailable. */
#include <stdint.h>
#include "../cortex-m/cortex_m.h"
#include "tfg_port.h"

#define UART_BASE 0x40002000u
#define UART_STARTRX (UART_BASE + 0x000u)
#define UART_STARTTX (UART_BASE + 0x008u)
#define UART_RXDRDY (UART_BASE + 0x108u)
#define UART_TXDRDY (UART_BASE + 0x11Cu)
#define UART_INTENSET (UART_BASE + 0x304u) /* bit2: RXDRDY */
#define UART_ENABLE (UART_BASE + 0x500u)
#define NVIC_ISER0 0xE000E100u
#define NVIC_ICER0 0xE000E180u
#define UART0_IRQ 2u
#define UART_RXD (UART_BASE + 0x518u)
#define UART_TXD (UART_BASE + 0x51Cu)

void Reset_Handler(void);
void Default_Handler(void);
void Uart0_Handler(void);
void Reset_Handler(void) { cortex_m_reset(); }
void Default_Handler(void) {
  for (;;) {}
}
/* Only wakes getc from WFI. RXDRDY stays set (getc needs it), so the handler masks its own IRQ; getc unmasks it. */
void Uart0_Handler(void) { TFG_REG32(NVIC_ICER0) = 1u << UART0_IRQ; }

/* 16 core exceptions, then IRQ 0..2 (IRQ 2 = UART0). */
__attribute__((section(".vectors"), used)) static void (*const vector_table[19])(void) = {
    (void (*)(void))(uintptr_t)__stack_top,
    Reset_Handler,
    Default_Handler,
    Default_Handler,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    Default_Handler,
    0,
    0,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    Uart0_Handler,
};

void tfg_port_init(void) {
  TFG_REG32(UART_ENABLE) = 4u;
  TFG_REG32(UART_STARTTX) = 1u;
  TFG_REG32(UART_STARTRX) = 1u;
  TFG_REG32(UART_INTENSET) = 1u << 2;
}

void tfg_port_start(void (*entry)(void *ctx), void *ctx) {
  entry(ctx);
  for (;;) {}
}

void tfg_port_putc(uint8_t byte) {
  TFG_REG32(UART_TXDRDY) = 0u;
  TFG_REG32(UART_TXD) = byte;
  while (TFG_REG32(UART_TXDRDY) == 0u) {}
}

/* Sleeps in WFI until a byte arrives (a spinning guest starves QEMU's pty thread); masked check-then-WFI so a
 * byte arriving in between still wakes it. */
uint8_t tfg_port_getc(void) {
  __asm volatile("cpsid i" ::: "memory");
  while (TFG_REG32(UART_RXDRDY) == 0u) {
    TFG_REG32(NVIC_ISER0) = 1u << UART0_IRQ;
    __asm volatile("wfi\n cpsie i\n isb\n cpsid i" ::: "memory");
  }
  __asm volatile("cpsie i" ::: "memory");
  TFG_REG32(UART_RXDRDY) = 0u;
  return (uint8_t)TFG_REG32(UART_RXD);
}

uint64_t tfg_port_ticks(void) { return 0u; }
void tfg_port_timer_align(void) {}
enum tfg_timer_kind tfg_port_timer_kind(void) { return TFG_TIMER_NONE; }

void tfg_port_stack_bounds(uintptr_t *bottom, uintptr_t *top) {
  *bottom = (uintptr_t)__stack_limit;
  *top = (uintptr_t)__stack_top;
}

uintptr_t tfg_port_stack_pointer(void) { return cortex_m_stack_pointer(); }
void tfg_port_calibration_loop(uint32_t iterations) { cortex_m_calibration_loop(iterations); }
