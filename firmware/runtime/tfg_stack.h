/* Stack painting: fill the unused stack with a pattern, later find the lowest word that changed. */
#ifndef TFG_STACK_H
#define TFG_STACK_H
#include <stdint.h>

#define TFG_STACK_PATTERN 0x5AC3A55Cu
/* Bytes left unpainted below the current stack pointer, for the painting function's own frame. */
#define TFG_STACK_PAINT_MARGIN 512u

/* Paints [bottom, limit) word by word. */
void tfg_stack_paint(uintptr_t bottom, uintptr_t limit);
/* Lowest address in [bottom, limit) whose word no longer holds the pattern (limit if none changed). */
uintptr_t tfg_stack_lowest_touched(uintptr_t bottom, uintptr_t limit);
#endif
