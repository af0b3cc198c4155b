/* Stack painting, scanning and the guard words. Reads and writes memory below the stack pointer on purpose, so the
 * address sanitizer (host board) is told to look away from these functions only. */
#include "tfg_stack.h"
#include "tfg_port.h"

#if defined(__SANITIZE_ADDRESS__)
#define TFG_NO_ASAN __attribute__((no_sanitize_address, noinline))
#else
#define TFG_NO_ASAN __attribute__((noinline))
#endif

TFG_NO_ASAN uintptr_t tfg_stack_paint_free(uintptr_t bottom) {
  uintptr_t limit = (tfg_port_stack_pointer() - TFG_STACK_PAINT_MARGIN) & ~(uintptr_t)3u;
  volatile uint32_t *p = (volatile uint32_t *)((bottom + 3u) & ~(uintptr_t)3u);
  volatile uint32_t *end = (volatile uint32_t *)limit;
  while (p < end) *p++ = TFG_STACK_PATTERN;
  return limit;
}

TFG_NO_ASAN uintptr_t tfg_stack_lowest_touched(uintptr_t bottom, uintptr_t limit) {
  volatile uint32_t *p = (volatile uint32_t *)((bottom + 3u) & ~(uintptr_t)3u);
  volatile uint32_t *end = (volatile uint32_t *)(limit & ~(uintptr_t)3u);
  while (p < end && *p == TFG_STACK_PATTERN) p++;
  return (uintptr_t)p;
}

TFG_NO_ASAN void tfg_stack_guard_set(uintptr_t bottom) {
  volatile uint32_t *g = (volatile uint32_t *)((bottom + 3u) & ~(uintptr_t)3u);
  for (uint32_t i = 0; i < TFG_STACK_GUARD_WORDS; i++) g[i] = TFG_STACK_GUARD_PATTERN ^ i;
}

TFG_NO_ASAN int32_t tfg_stack_guard_intact(uintptr_t bottom) {
  volatile uint32_t *g = (volatile uint32_t *)((bottom + 3u) & ~(uintptr_t)3u);
  for (uint32_t i = 0; i < TFG_STACK_GUARD_WORDS; i++) {
    if (g[i] != (TFG_STACK_GUARD_PATTERN ^ i)) return 0;
  }
  return 1;
}
