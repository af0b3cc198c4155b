/* Pieces every Cortex-M port shares: SysTick as a 64-bit tick counter, the stack pointer, the calibration loop,
 * and the reset sequence (copy .data, zero .bss, enable the FPU). Included by each family's port file. */
#ifndef TFG_CORTEX_M_H
#define TFG_CORTEX_M_H

#include <stdint.h>

#define TFG_REG32(addr) (*(volatile uint32_t *)(addr))
#define SYST_CSR 0xE000E010u
#define SYST_RVR 0xE000E014u
#define SYST_CVR 0xE000E018u
#define SYST_RELOAD 0x00FFFFFFu /* 24-bit counter: the handler counts wraps to widen it */
#define SCB_CPACR 0xE000ED88u
#define SCB_ICSR 0xE000ED04u
#define ICSR_PENDSTSET (1u << 26)

/* Linker-script symbols (the family linker script + cortex-m-sections.ld). */
extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_limit[], __stack_top[];

int main(void);

static inline void cortex_m_reset(void) {
#if defined(__ARM_FP)
  /* CP10/CP11 full access before any floating-point instruction runs */
  TFG_REG32(SCB_CPACR) |= (0xFu << 20);
  __asm volatile("dsb\n isb" ::: "memory");
#endif
  uint32_t *src = __data_load;
  for (uint32_t *dst = __data_start; dst < __data_end;) *dst++ = *src++;
  for (uint32_t *dst = __bss_start; dst < __bss_end;) *dst++ = 0u;
  (void)main();
  for (;;) {}
}

/* CSR = 7: enable, interrupt on wrap, count the core clock (on QEMU's -icount virtual clock). */
static inline void cortex_m_systick_start(void) {
  TFG_REG32(SYST_RVR) = SYST_RELOAD;
  TFG_REG32(SYST_CVR) = 0u;
  TFG_REG32(SYST_CSR) = 7u;
}

/* wraps is the handler's counter. Re-read until no handler ran in between; a wrap whose interrupt is still
 * pending (QEMU takes interrupts at translation-block ends) shows as PENDSTSET with a freshly reloaded value. */
static inline uint64_t cortex_m_systick_ticks(volatile uint32_t *wraps) {
  uint32_t w0, w1, value, pending;
  do {
    w0 = *wraps;
    value = TFG_REG32(SYST_CVR);
    pending = TFG_REG32(SCB_ICSR) & ICSR_PENDSTSET;
    w1 = *wraps;
  } while (w0 != w1);
  if (pending != 0u && value > SYST_RELOAD / 2u) w0++;
  return (uint64_t)w0 * (SYST_RELOAD + 1u) + (SYST_RELOAD - value);
}

/* Starts a fresh SysTick period here. Idle time (WFI while the host sends) advances QEMU's virtual clock by wall
 * time, so without this the next wrap, and its handler's instructions and exception frame, lands at a random point
 * of the timed region that follows; after it, a wrap lands only 2^24 ticks into the region, at the same
 * instruction every run. The write clears the counter and it reloads on the next tick without a wrap interrupt, so
 * the wrap count moves on by one here and the 64-bit count stays monotonic (it skips the rest of the period). */
static inline void cortex_m_systick_restart(volatile uint32_t *wraps) {
  __asm volatile("cpsid i" ::: "memory");
  TFG_REG32(SYST_CVR) = 0u;
  while (TFG_REG32(SYST_CVR) == 0u) {}
  *wraps = *wraps + 1u;
  __asm volatile("cpsie i" ::: "memory");
}

/* Aligns the caller to a fixed phase of the SysTick tick, so a timed region starts at the same point inside a
 * tick on every run and its tick count is exactly repeatable. For a tick of 5 instructions (25 MHz core clock at
 * -icount shift=3): two SysTick reads 4 instructions apart see the same value only when the first one fell on
 * the tick's first instruction. Five comparisons cover every phase; the outer count (64) only bounds the loop if
 * the clock ratio differs (then it falls through unaligned, which is harmless). */
static inline void cortex_m_systick_align_5(void) {
  uint32_t a, b, d, n = 64u;
#if defined(__ARM_ARCH_6M__)
  /* Thumb-1, divided syntax: 3-register "sub" and low-register "mov" set flags; the next sub resets them. */
  __asm volatile("2: ldr %[a], [%[val]]\n"
                 "   nop\n nop\n nop\n"
                 "   ldr %[b], [%[val]]\n sub %[d], %[a], %[b]\n beq 9f\n mov %[a], %[b]\n"
                 "   ldr %[b], [%[val]]\n sub %[d], %[a], %[b]\n beq 9f\n mov %[a], %[b]\n"
                 "   ldr %[b], [%[val]]\n sub %[d], %[a], %[b]\n beq 9f\n mov %[a], %[b]\n"
                 "   ldr %[b], [%[val]]\n sub %[d], %[a], %[b]\n beq 9f\n mov %[a], %[b]\n"
                 "   ldr %[b], [%[val]]\n sub %[d], %[a], %[b]\n beq 9f\n mov %[a], %[b]\n"
                 "   sub %[n], #1\n"
                 "   bne 2b\n"
                 "9:\n"
                 : [a] "=&l"(a), [b] "=&l"(b), [d] "=&l"(d), [n] "+l"(n)
                 : [val] "l"(SYST_CVR)
                 : "cc", "memory");
#else
  __asm volatile("2: ldr %[a], [%[val]]\n"
                 "   nop\n nop\n nop\n"
                 "   ldr %[b], [%[val]]\n subs %[d], %[a], %[b]\n beq 9f\n mov %[a], %[b]\n"
                 "   ldr %[b], [%[val]]\n subs %[d], %[a], %[b]\n beq 9f\n mov %[a], %[b]\n"
                 "   ldr %[b], [%[val]]\n subs %[d], %[a], %[b]\n beq 9f\n mov %[a], %[b]\n"
                 "   ldr %[b], [%[val]]\n subs %[d], %[a], %[b]\n beq 9f\n mov %[a], %[b]\n"
                 "   ldr %[b], [%[val]]\n subs %[d], %[a], %[b]\n beq 9f\n mov %[a], %[b]\n"
                 "   subs %[n], %[n], #1\n"
                 "   bne 2b\n"
                 "9:\n"
                 : [a] "=&r"(a), [b] "=&r"(b), [d] "=&r"(d), [n] "+r"(n)
                 : [val] "r"(SYST_CVR)
                 : "cc", "memory");
#endif
}

static inline uintptr_t cortex_m_stack_pointer(void) {
  uintptr_t sp;
  __asm volatile("mov %0, sp" : "=r"(sp));
  return sp;
}

/* Exactly two instructions per iteration (subs, bne) on ARMv6-M and ARMv7-M alike. */
static inline void cortex_m_calibration_loop(uint32_t iterations) {
  if (iterations == 0u) return;
#if defined(__ARM_ARCH_6M__)
  /* GCC hands Thumb-1 inline asm to the assembler in divided syntax, where "sub" sets the flags */
  __asm volatile("1: sub %0, #1\n"
                 "   bne 1b\n"
                 : "+l"(iterations)
                 :
                 : "cc");
#else
  __asm volatile("1: subs %0, %0, #1\n"
                 "   bne 1b\n"
                 : "+l"(iterations)
                 :
                 : "cc");
#endif
}

#endif
