/* Port layer for QEMU's sifive_e (HiFive1, FE310): reset code (no crt0, no libc), UART0 for the link, minstret for
 * time. getc sleeps in WFI woken by the UART's PLIC line, so a waiting guest does not starve QEMU's pty thread. */
#include <stdint.h>
#include "tfg_port.h"

#define TFG_REG32(addr) (*(volatile uint32_t *)(addr))
#define UART0_BASE 0x10013000u
#define UART_TXDATA (UART0_BASE + 0x00u) /* bit31: FIFO full */
#define UART_RXDATA (UART0_BASE + 0x04u) /* bit31: FIFO empty; reading pops a byte */
#define UART_TXCTRL (UART0_BASE + 0x08u) /* bit0: enable */
#define UART_RXCTRL (UART0_BASE + 0x0Cu) /* bit0: enable; bits 18:16 watermark (0: interrupt on any byte) */
#define UART_IE (UART0_BASE + 0x10u)     /* bit1: RX watermark interrupt */
#define PLIC_BASE 0x0C000000u
#define PLIC_UART0_IRQ 3u
#define PLIC_PRIORITY(irq) (PLIC_BASE + 4u * (irq))
#define PLIC_ENABLE0 (PLIC_BASE + 0x2000u) /* hart 0, M mode */
#define PLIC_THRESHOLD (PLIC_BASE + 0x200000u)
#define MIE_MEIE (1u << 11)
/* CSR instructions are the Zicsr extension: binutils 2.40 wants it named, while the board's -march stays rv32imc
 * (the same flags as the ESP32-C3 compile check). */
#define TFG_CSR(insn) ".option push\n.option arch, +zicsr\n" insn "\n.option pop"

/* Linker-script symbols (sifive.ld). */
extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_limit[], __stack_top[];

int main(void);
void tfg_sifive_reset(void);
void tfg_sifive_trap(void);

/* The mask ROM jumps to 0x20400000, where sifive.ld puts .text.start: set gp (no relaxation may use it before it
 * is set) and sp, then C. */
__asm__(".section .text.start,\"ax\",@progbits\n"
        ".globl _start\n"
        "_start:\n"
        ".option push\n"
        ".option norelax\n"
        "  la gp, __global_pointer$\n"
        ".option pop\n"
        "  la sp, __stack_top\n"
        "  j tfg_sifive_reset\n"
        ".text\n");

/* Any trap (illegal instruction, misaligned access, …) parks the core: the host then times out naming the port. */
__attribute__((aligned(4))) void tfg_sifive_trap(void) {
  for (;;) {
    __asm volatile("wfi");
  }
}

void tfg_sifive_reset(void) {
  __asm volatile(TFG_CSR("csrw mtvec, %0") : : "r"((uintptr_t)tfg_sifive_trap));
  uint32_t *src = __data_load;
  for (uint32_t *dst = __data_start; dst < __data_end;) *dst++ = *src++;
  for (uint32_t *dst = __bss_start; dst < __bss_end;) *dst++ = 0u;
  (void)main();
  for (;;) {}
}

void tfg_port_init(void) {
  TFG_REG32(UART_TXCTRL) = 1u;
  TFG_REG32(UART_RXCTRL) = 1u;
  /* UART RX → PLIC → MEIP. mstatus.MIE stays 0: no trap is ever taken, the pending line only ends a WFI. */
  TFG_REG32(PLIC_PRIORITY(PLIC_UART0_IRQ)) = 1u;
  TFG_REG32(PLIC_ENABLE0) = 1u << PLIC_UART0_IRQ;
  TFG_REG32(PLIC_THRESHOLD) = 0u;
  TFG_REG32(UART_IE) = 2u;
  __asm volatile(TFG_CSR("csrs mie, %0") : : "r"(MIE_MEIE));
}

void tfg_port_start(void (*entry)(void *ctx), void *ctx) {
  entry(ctx);
  for (;;) {}
}

void tfg_port_putc(uint8_t byte) {
  while ((TFG_REG32(UART_TXDATA) & 0x80000000u) != 0u) {}
  TFG_REG32(UART_TXDATA) = byte;
}

/* The PLIC source follows the UART's level (never claimed), so MEIP is set exactly while the RX FIFO holds a byte:
 * a byte that arrives between the read and the WFI still ends the WFI at once. */
uint8_t tfg_port_getc(void) {
  for (;;) {
    const uint32_t v = TFG_REG32(UART_RXDATA);
    if ((v & 0x80000000u) == 0u) return (uint8_t)v;
    __asm volatile("wfi" ::: "memory");
  }
}

/* 64-bit minstret on RV32: re-read when the high word changed between the two halves. */
uint64_t tfg_port_ticks(void) {
  uint32_t hi, lo, hi2;
  do {
    __asm volatile(TFG_CSR("csrr %0, minstreth") : "=r"(hi));
    __asm volatile(TFG_CSR("csrr %0, minstret") : "=r"(lo));
    __asm volatile(TFG_CSR("csrr %0, minstreth") : "=r"(hi2));
  } while (hi != hi2);
  return ((uint64_t)hi << 32) | lo;
}

/* minstret counts single instructions: there is no tick phase to wait for. */
void tfg_port_timer_align(void) {}
enum tfg_timer_kind tfg_port_timer_kind(void) { return TFG_TIMER_INSTRUCTIONS; }

void tfg_port_stack_bounds(uintptr_t *bottom, uintptr_t *top) {
  *bottom = (uintptr_t)__stack_limit;
  *top = (uintptr_t)__stack_top;
}

uintptr_t tfg_port_stack_pointer(void) {
  uintptr_t sp;
  __asm volatile("mv %0, sp" : "=r"(sp));
  return sp;
}

/* Exactly two instructions per iteration (addi, bnez). */
void tfg_port_calibration_loop(uint32_t iterations) {
  if (iterations == 0u) return;
  __asm volatile("1: addi %0, %0, -1\n"
                 "   bnez %0, 1b\n"
                 : "+r"(iterations)
                 :
                 : "memory");
}
