/* Port layer for the NUCLEO-F446RE (STM32F446RE, Cortex-M4F, real hardware): USART2 on PA2/PA3, which the on-board
 * ST-LINK bridges to its USB virtual COM port, and DWT CYCCNT for cycle counts. The core runs on the 16 MHz HSI it
 * resets to (no PLL): zero flash wait states, so a cycle count is not inflated by flash latency, and there is no
 * clock tree to get wrong. Same runtime and serial main as the emulated Cortex-M4 boards; only clock and UART differ. */
#include <stdint.h>
#include "../cortex-m/cortex_m.h"
#include "tfg_port.h"

#define RCC_AHB1ENR 0x40023830u /* bit0: GPIOA clock */
#define RCC_APB1ENR 0x40023840u /* bit17: USART2 clock */
#define GPIOA_MODER 0x40020000u /* 2 bits per pin; 10 = alternate function */
#define GPIOA_PUPDR 0x4002000Cu /* 01 = pull-up (keeps RX idle high if the bridge is unplugged) */
#define GPIOA_AFRL 0x40020020u  /* 4 bits per pin; AF7 = USART1..3 */
#define USART2_BASE 0x40004400u
#define USART_SR (USART2_BASE + 0x00u) /* bit5 RXNE, bit7 TXE, bit3 ORE */
#define USART_DR (USART2_BASE + 0x04u)
#define USART_BRR (USART2_BASE + 0x08u)
#define USART_CR1 (USART2_BASE + 0x0Cu) /* bit13 UE, bit3 TE, bit2 RE */
#define HSI_HZ 16000000u
#define LINK_BAUD 115200u
#define DEMCR 0xE000EDFCu    /* bit24 TRCENA: enables the DWT */
#define DWT_CTRL 0xE0001000u /* bit0 CYCCNTENA */
#define DWT_CYCCNT 0xE0001004u

/* USARTDIV = 16e6 / (16 x 115200) = 8.68: mantissa 8, fraction round(0.68 x 16) = 11 → 0x8B, 115108 baud (-0.08 %). */
#define USART_BRR_VALUE ((HSI_HZ + LINK_BAUD / 2u) / LINK_BAUD)

/* The port's only mutable globals, written only by the SysTick handler: it samples the 32-bit CYCCNT every 2^24
 * cycles (1.05 s), so every CYCCNT wrap (268 s at 16 MHz) is seen and counted. */
volatile uint32_t tfg_cyccnt_high;
volatile uint32_t tfg_cyccnt_last;

void Reset_Handler(void);
void SysTick_Handler(void);
void Default_Handler(void);
void Reset_Handler(void) { cortex_m_reset(); }
void Default_Handler(void) {
  for (;;) {}
}
void SysTick_Handler(void) {
  const uint32_t now = TFG_REG32(DWT_CYCCNT);
  if (now < tfg_cyccnt_last) tfg_cyccnt_high++;
  tfg_cyccnt_last = now;
}

__attribute__((section(".vectors"), used)) static void (*const vector_table[16])(void) = {
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
};

void tfg_port_init(void) {
  TFG_REG32(RCC_AHB1ENR) |= 1u << 0;
  TFG_REG32(RCC_APB1ENR) |= 1u << 17;
  (void)TFG_REG32(RCC_APB1ENR); /* the clock needs two cycles before the peripheral answers (RM0390 6.3.13) */
  TFG_REG32(GPIOA_MODER) = (TFG_REG32(GPIOA_MODER) & ~(0xFu << 4)) | (0xAu << 4); /* PA2, PA3: AF */
  TFG_REG32(GPIOA_PUPDR) = (TFG_REG32(GPIOA_PUPDR) & ~(0x3u << 6)) | (0x1u << 6); /* PA3 pull-up */
  TFG_REG32(GPIOA_AFRL) = (TFG_REG32(GPIOA_AFRL) & ~(0xFFu << 8)) | (0x77u << 8); /* AF7 */
  TFG_REG32(USART_BRR) = USART_BRR_VALUE;
  TFG_REG32(USART_CR1) = (1u << 13) | (1u << 3) | (1u << 2);
  TFG_REG32(DEMCR) |= 1u << 24;
  TFG_REG32(DWT_CYCCNT) = 0u;
  TFG_REG32(DWT_CTRL) |= 1u;
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

/* Reading SR then DR also clears an overrun (ORE), so a byte lost while busy shows up as a bad frame, not a hang. */
uint8_t tfg_port_getc(void) {
  while ((TFG_REG32(USART_SR) & (1u << 5)) == 0u) {}
  return (uint8_t)TFG_REG32(USART_DR);
}

/* 64-bit cycles: the handler's high word, plus one if CYCCNT wrapped after the handler last looked. */
uint64_t tfg_port_ticks(void) {
  uint32_t high, last, now;
  do {
    high = tfg_cyccnt_high;
    last = tfg_cyccnt_last;
    now = TFG_REG32(DWT_CYCCNT);
  } while (high != tfg_cyccnt_high);
  if (now < last) high++;
  return ((uint64_t)high << 32) | now;
}

/* CYCCNT counts single cycles: there is no tick phase to wait for. */
void tfg_port_timer_align(void) {}
enum tfg_timer_kind tfg_port_timer_kind(void) { return TFG_TIMER_CYCLES; }

void tfg_port_stack_bounds(uintptr_t *bottom, uintptr_t *top) {
  *bottom = (uintptr_t)__stack_limit;
  *top = (uintptr_t)__stack_top;
}

uintptr_t tfg_port_stack_pointer(void) { return cortex_m_stack_pointer(); }
void tfg_port_calibration_loop(uint32_t iterations) { cortex_m_calibration_loop(iterations); }
