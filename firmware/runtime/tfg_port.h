/* The port layer each board family implements (firmware/boards/<family>/): UART bytes, a timer, stack bounds. */
#ifndef TFG_PORT_H
#define TFG_PORT_H

#include <stdint.h>

/* What tfg_port_ticks() counts; sent in the hello so the host converts ticks to the report's unit. */
enum tfg_timer_kind {
  TFG_TIMER_NONE = 0,         /* no timer follows the (virtual) clock: latency is unavailable */
  TFG_TIMER_CORE_CLOCK = 1,   /* ticks of the core clock (SysTick on QEMU's -icount virtual clock) */
  TFG_TIMER_CYCLES = 2,       /* a real cycle counter (DWT CYCCNT, CCOUNT) */
  TFG_TIMER_INSTRUCTIONS = 3, /* retired instructions (minstret) */
  TFG_TIMER_NANOSECONDS = 4   /* host wall clock */
};

/* Brings up the UART and the timer. Called once, first thing in main. */
void tfg_port_init(void);
/* Runs entry(ctx) on the stack that tfg_port_stack_bounds describes (the host makes one; MCUs just call it). Never returns. */
void tfg_port_start(void (*entry)(void *ctx), void *ctx);
/* Blocking byte I/O on the link UART. */
void tfg_port_putc(uint8_t byte);
uint8_t tfg_port_getc(void);
/* Monotonic timer, widened to 64 bits (wraps counted by the port). */
uint64_t tfg_port_ticks(void);
enum tfg_timer_kind tfg_port_timer_kind(void);
/* Waits until the timer is at a fixed phase of its tick, so timed regions repeat to the exact tick (no-op where
 * the port cannot do that). */
void tfg_port_timer_align(void);
/* Lowest and one-past-highest address of the stack that tfg_port_start runs on. */
void tfg_port_stack_bounds(uintptr_t *bottom, uintptr_t *top);
/* Current stack pointer (approximately, for painting below it). */
uintptr_t tfg_port_stack_pointer(void);
/* A loop of exactly 2 instructions per iteration (calibrates the timer; see test/device). */
void tfg_port_calibration_loop(uint32_t iterations);

#endif
