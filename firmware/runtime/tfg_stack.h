/* Stack painting and the overflow guard: fill the unused stack with a pattern, later find the lowest word that
 * changed; a few guard words at the very bottom of the stack region tell whether the stack reached its limit. */
#ifndef TFG_STACK_H
#define TFG_STACK_H
#include <stdint.h>

#define TFG_STACK_PATTERN 0x5AC3A55Cu
/* Guard words at the bottom of the stack region, each TFG_STACK_GUARD_PATTERN xor its index (so a run of the paint
 * pattern, zeros or a copied word cannot pass for them). STACK_GUARD_BYTES in src/build/stack-plan.ts is the same figure
 * (test/firmware/shared-constants.test.ts compares them). */
#define TFG_STACK_GUARD_WORDS 4u
#define TFG_STACK_GUARD_BYTES (4u * TFG_STACK_GUARD_WORDS)
#define TFG_STACK_GUARD_PATTERN 0xC0DEF00Du
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
/* Writes the guard words at bottom (the stack region's lowest address, word aligned). */
void tfg_stack_guard_set(uintptr_t bottom);
/* 1 while every guard word at bottom still holds its value, 0 once the stack has reached them. */
int32_t tfg_stack_guard_intact(uintptr_t bottom);
#endif
