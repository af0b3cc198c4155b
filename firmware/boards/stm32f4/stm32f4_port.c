/* Port layer for QEMU's netduinoplus2 (STM32F405): USART1 (QEMU's first serial port) for the link, SysTick
 * counting the 168 MHz core clock on the -icount virtual clock for time. */
#include <stdint.h>
#include "../cortex-m/cortex_m.h"
#include "tfg_port.h"

#define USART1_BASE 0x40011000u
#define USART_SR (USART1_BASE + 0x00u) /* bit5 RXNE, bit7 TXE */
#define USART_DR (USART1_BASE + 0x04u)
#define USART_BRR (USART1_BASE + 0x08u)
#define USART_CR1 (USART1_BASE + 0x0Cu) /* bit13 UE, bit3 TE, bit2 RE */
#define RCC_APB2ENR 0x40023844u         /* bit4: USART1 clock */
#define NVIC_ISER1 0xE000E104u
#define NVIC_ICER1 0xE000E184u
#define USART1_IRQ_BIT (1u << (37u - 32u)) /* USART1 is IRQ 37 */

/* The one mutable global: SysTick wraps, written only by the interrupt handler. */
volatile uint32_t tfg_systick_wraps;

void Reset_Handler(void);
void SysTick_Handler(void);
void Default_Handler(void);
void Usart1_Handler(void);
void Reset_Handler(void) { cortex_m_reset(); }
void SysTick_Handler(void) { tfg_systick_wraps++; }
void Default_Handler(void) {
  for (;;) {}
}
/* Only wakes getc from WFI. RXNE clears only when DR is read (by getc), so the handler masks its own IRQ. */
void Usart1_Handler(void) { TFG_REG32(NVIC_ICER1) = USART1_IRQ_BIT; }

/* 16 core exceptions + 38 IRQs (IRQ 37 = USART1); unused IRQs trap in Default_Handler. */
#define D Default_Handler
__attribute__((section(".vectors"), used)) static void (*const vector_table[16 + 38])(void) = {
    (void (*)(void))(uintptr_t)__stack_top,
    Reset_Handler,
    D,
    D,
    D,
    D,
    D,
    0,
    0,
    0,
    0,
    D,
    D,
    0,
    D,
    SysTick_Handler,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    D,
    Usart1_Handler,
};
#undef D

void tfg_port_init(void) {
  TFG_REG32(RCC_APB2ENR) |= 1u << 4;
  TFG_REG32(USART_BRR) = 0x16Du; /* 115200 baud at 42 MHz APB2 on hardware; QEMU ignores it */
  TFG_REG32(USART_CR1) = (1u << 13) | (1u << 5) | (1u << 3) | (1u << 2); /* UE, RXNEIE, TE, RE */
  cortex_m_systick_start();
}

void tfg_port_start(void (*entry)(void *ctx), void *ctx) {
  entry(ctx);
  for (;;) {}
}

void tfg_port_putc(uint8_t byte) {
  while ((TFG_REG32(USART_SR) & (1u << 7)) == 0u) {}
  TFG_REG32(USART_DR) = byte;
}

/* Sleeps in WFI until a byte arrives (a spinning guest starves QEMU's pty thread); masked check-then-WFI so a
 * byte arriving in between still wakes it. */
uint8_t tfg_port_getc(void) {
  __asm volatile("cpsid i" ::: "memory");
  while ((TFG_REG32(USART_SR) & (1u << 5)) == 0u) {
    TFG_REG32(NVIC_ISER1) = USART1_IRQ_BIT;
    __asm volatile("wfi\n cpsie i\n isb\n cpsid i" ::: "memory");
  }
  __asm volatile("cpsie i" ::: "memory");
  return (uint8_t)TFG_REG32(USART_DR);
}

uint64_t tfg_port_ticks(void) { return cortex_m_systick_ticks(&tfg_systick_wraps); }
void tfg_port_timer_align(void) {}
enum tfg_timer_kind tfg_port_timer_kind(void) { return TFG_TIMER_CORE_CLOCK; }

void tfg_port_stack_bounds(uintptr_t *bottom, uintptr_t *top) {
  *bottom = (uintptr_t)__stack_limit;
  *top = (uintptr_t)__stack_top;
}

uintptr_t tfg_port_stack_pointer(void) { return cortex_m_stack_pointer(); }
void tfg_port_calibration_loop(uint32_t iterations) { cortex_m_calibration_loop(iterations); }
