/* Port layer for QEMU's mps2-an385/an386/an500: CMSDK UART0 for the link, SysTick for time, vector table. */
#include <stdint.h>
#include "../cortex-m/cortex_m.h"
#include "tfg_port.h"

#define UART0_BASE 0x40004000u
#define UART_DATA (UART0_BASE + 0x00u)
#define UART_STATE (UART0_BASE + 0x04u) /* bit0: TX full, bit1: RX full */
#define UART_CTRL (UART0_BASE + 0x08u)  /* bit0: TX enable, bit1: RX enable */
#define UART_INTCLEAR (UART0_BASE + 0x0Cu)
#define UART_BAUDDIV (UART0_BASE + 0x10u)
#define UART_CTRL_RX_INTEN (1u << 3)
#define NVIC_ISER0 0xE000E100u
#define NVIC_ICPR0 0xE000E280u
#define UART0_RX_IRQ 0u

/* The one mutable global: SysTick wraps, written only by the interrupt handler. */
volatile uint32_t tfg_systick_wraps;

void Reset_Handler(void);
void SysTick_Handler(void);
void Uart0Rx_Handler(void);
void Default_Handler(void);

void Reset_Handler(void) { cortex_m_reset(); }
void SysTick_Handler(void) { tfg_systick_wraps++; }
/* Only wakes the core from WFI in getc; the byte stays in DATA until getc reads it. */
void Uart0Rx_Handler(void) { TFG_REG32(UART_INTCLEAR) = 2u; }
void Default_Handler(void) {
  for (;;) {}
}

/* 16 core exceptions, then IRQ 0 = UART0 RX (the only peripheral interrupt used). */
__attribute__((section(".vectors"), used)) static void (*const vector_table[17])(void) = {
    (void (*)(void))(uintptr_t)__stack_top,
    Reset_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    Default_Handler,
    0,
    0,
    0,
    0,
    Default_Handler,
    Default_Handler,
    0,
    Default_Handler,
    SysTick_Handler,
    Uart0Rx_Handler,
};

void tfg_port_init(void) {
  TFG_REG32(UART_BAUDDIV) = 16u;
  TFG_REG32(UART_CTRL) = 3u; /* TX, RX; getc enables the RX interrupt only while it sleeps */
  TFG_REG32(NVIC_ISER0) = 1u << UART0_RX_IRQ;
  cortex_m_systick_start();
}

void tfg_port_start(void (*entry)(void *ctx), void *ctx) {
  entry(ctx);
  for (;;) {}
}

void tfg_port_putc(uint8_t byte) {
  while ((TFG_REG32(UART_STATE) & 1u) != 0u) {}
  TFG_REG32(UART_DATA) = byte;
}

/* Polls, and sleeps until a byte arrives when none is there: a spinning guest takes QEMU's I/O lock on every
 * status read and starves the thread that feeds the pty, which made receiving ~30x slower. The RX interrupt is
 * enabled only for the sleep (masked check-then-WFI: a byte arriving between the check and the WFI still wakes
 * it), so a byte that arrives while an inference runs cannot interrupt the measured region. */
uint8_t tfg_port_getc(void) {
  if ((TFG_REG32(UART_STATE) & 2u) == 0u) {
    __asm volatile("cpsid i" ::: "memory");
    TFG_REG32(UART_CTRL) |= UART_CTRL_RX_INTEN;
    while ((TFG_REG32(UART_STATE) & 2u) == 0u) {
      __asm volatile("wfi\n cpsie i\n isb\n cpsid i" ::: "memory");
    }
    TFG_REG32(UART_CTRL) &= ~UART_CTRL_RX_INTEN;
    TFG_REG32(UART_INTCLEAR) = 2u;
    TFG_REG32(NVIC_ICPR0) = 1u << UART0_RX_IRQ;
    __asm volatile("cpsie i" ::: "memory");
  }
  return (uint8_t)TFG_REG32(UART_DATA);
}

uint64_t tfg_port_ticks(void) { return cortex_m_systick_ticks(&tfg_systick_wraps); }
/* SysTick ticks are 5 instructions here (25 MHz, -icount shift=3). */
void tfg_port_timer_align(void) {
  cortex_m_systick_restart(&tfg_systick_wraps);
  cortex_m_systick_align_5();
}
enum tfg_timer_kind tfg_port_timer_kind(void) { return TFG_TIMER_CORE_CLOCK; }

void tfg_port_stack_bounds(uintptr_t *bottom, uintptr_t *top) {
  *bottom = (uintptr_t)__stack_limit;
  *top = (uintptr_t)__stack_top;
}

uintptr_t tfg_port_stack_pointer(void) { return cortex_m_stack_pointer(); }
void tfg_port_calibration_loop(uint32_t iterations) { cortex_m_calibration_loop(iterations); }
