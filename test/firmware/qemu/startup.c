/* startup.c: vector table and reset for the semihosting kernel-test runner: enable the FPU, then newlib's _start. */
#include <stdint.h>

extern void _start(void);
extern uint32_t __stack_top;

void tfg_reset(void);
static void tfg_fault(void) {
  /* semihosting SYS_EXIT with ADP_Stopped_RunTimeErrorUnknown, so a fault ends QEMU with a failure instead of hanging */
  __asm__ volatile("mov r0, #0x18\n ldr r1, =0x20023\n bkpt 0xab" ::: "r0", "r1", "memory");
  for (;;) {
  }
}

__attribute__((section(".vectors"), used)) static void (*const vectors[16])(void) = {
  (void (*)(void))(uintptr_t)&__stack_top, tfg_reset, tfg_fault, tfg_fault, tfg_fault, tfg_fault, tfg_fault,
};

void tfg_reset(void) {
#if defined(__ARM_FP)
  /* CPACR: full access to CP10 and CP11 before any floating-point instruction */
  *(volatile uint32_t *)0xE000ED88u |= (0xFu << 20);
  __asm__ volatile("dsb\n isb" ::: "memory");
#endif
  _start();
}
