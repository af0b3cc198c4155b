/* Stack painting: fill the unused stack with a pattern, later find the lowest word that changed. */
#ifndef TFG_STACK_H
#define TFG_STACK_H
#include <stdint.h>

#define TFG_STACK_PATTERN 0x5AC3A55Cu
/* Bytes left unpainted below the painting function's stack pointer: x86-64 leaf functions keep locals in the
 * 128-byte red zone below it; Arm code keeps nothing below sp. */
#if defined(__x86_64__)
#define TFG_STACK_PAINT_MARGIN 256u
#else
#define TFG_STACK_PAINT_MARGIN 16u
#endif

/* Paints [bottom, own stack pointer - margin) word by word; returns the end of the painted range. */
uintptr_t tfg_stack_paint_free(uintptr_t bottom);
/* Lowest address in [bottom, limit) whose word no longer holds the pattern (limit if none changed). */
uintptr_t tfg_stack_lowest_touched(uintptr_t bottom, uintptr_t limit);
#endif
