/* tfg_binary.h: helpers of the 1-bit weight kernels (_b1: add or subtract each input) and of the binarized-activation
 * kernels (_xnor: sign packing and popcount); inline, they are those kernels' inner loops. */
#ifndef TFG_BINARY_H
#define TFG_BINARY_H

#include "tfg_support.h"

/* ---- 1-bit weights (add/subtract kernels) ---- */
/* −x when the low bit of bit is 1, else x: flips the float's sign bit (exact, branch-free, one EOR on Arm). The b1
 * kernels sum −(±x) and negate once at the end, so a set weight bit (+alpha) is the cheap case. */
static inline float tfg_f32_negate_if(float x, uint32_t bit) {
  uint32_t u;
  float r;
#if defined(__GNUC__)
  __builtin_memcpy(&u, &x, sizeof u);
  u ^= bit << 31;
  __builtin_memcpy(&r, &u, sizeof r);
#else
  memcpy(&u, &x, sizeof u);
  u ^= bit << 31;
  memcpy(&r, &u, sizeof r);
#endif
  return r;
}

/* ---- Binarized activations (XNOR kernels): sign packing and popcount. ---- */
/* Packs sign bits of n floats into ⌈n/32⌉ words: bit i%32 of word i/32 = (x[i] ≥ 0); unused high bits of the last word 0. */
static inline void tfg_pack_signs(const float *x, int32_t n, uint32_t *a) {
  for (int32_t j = 0; j * 32 < n; ++j) {
    const int32_t m = n - j * 32 < 32 ? n - j * 32 : 32;
    uint32_t word = 0;
    for (int32_t i = m - 1; i >= 0; --i) word = (word << 1) | (x[j * 32 + i] >= 0.0f ? 1u : 0u);
    a[j] = word;
  }
}

/* Bits set in v (SWAR: Cortex-M has no popcount instruction; ~12 instructions). */
static inline uint32_t tfg_popcount32(uint32_t v) {
  v = v - ((v >> 1) & 0x55555555u);
  v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
  v = (v + (v >> 4)) & 0x0F0F0F0Fu;
  return (v * 0x01010101u) >> 24;
}

#endif /* TFG_BINARY_H */
