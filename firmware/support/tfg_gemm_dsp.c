/* tfg_gemm_dsp.c: the register blocks of tfg_gemm_dsp.h. On the DSP cores they are hand-scheduled Thumb-2 (gcc
 * spreads the pointer updates and column loads over separate instructions and cannot hold the 14 live registers of
 * these loops); elsewhere the same exact integer sums in C. */
#include "tfg_gemm_dsp.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP == 1 && defined(__thumb2__) && defined(__GNUC__)

/* the naked bodies below read their arguments from r0–r3, which gcc does not see */
#define TFG_ASM_ARG __attribute__((unused))

/* r0 cols, r1 w, r2 groups, r3 acc (kept on the stack) then a widened weight half; r4–r7 the four columns'
 * accumulators, r8–r11 the four columns' int16 pairs, `wreg` the group's weight word. */
#define TFG_GEMM1X4_GROUP(wreg)                                                                                        \
  "ldm r0!, {r8, r9, r10, r11}\n"                                                                                      \
  "sxtb16 r3, " wreg "\n"                                                                                              \
  "smlad r4, r8, r3, r4\n"                                                                                             \
  "smlad r5, r9, r3, r5\n"                                                                                             \
  "smlad r6, r10, r3, r6\n"                                                                                            \
  "smlad r7, r11, r3, r7\n"                                                                                            \
  "ldm r0!, {r8, r9, r10, r11}\n"                                                                                      \
  "sxtb16 r3, " wreg ", ror #8\n"                                                                                      \
  "smlad r4, r8, r3, r4\n"                                                                                             \
  "smlad r5, r9, r3, r5\n"                                                                                             \
  "smlad r6, r10, r3, r6\n"                                                                                            \
  "smlad r7, r11, r3, r7\n"

/* Four groups per loop pass (an LDM for each two weight words); the groups % 4 left over first. */
// clang-format off
__attribute__((naked)) void tfg_gemm1x4_s16(TFG_ASM_ARG const int16_t *cols, TFG_ASM_ARG const int8_t *w,
                                            TFG_ASM_ARG int32_t groups, TFG_ASM_ARG int32_t *acc) {
  __asm__ volatile(
      "push {r3, r4, r5, r6, r7, r8, r9, r10, r11, lr}\n"
      "ldm r3, {r4, r5, r6, r7}\n"
      "lsrs r2, r2, #1\n"
      "bcc 1f\n"
      "ldr r12, [r1], #4\n" TFG_GEMM1X4_GROUP("r12")
      "1:\n"
      "lsrs r2, r2, #1\n"
      "bcc 2f\n"
      "ldm r1!, {r12, lr}\n" TFG_GEMM1X4_GROUP("r12") TFG_GEMM1X4_GROUP("lr")
      "2:\n"
      "beq 4f\n" /* Z from the second LSRS: no four groups left */
      "3:\n"
      "ldm r1!, {r12, lr}\n" TFG_GEMM1X4_GROUP("r12") TFG_GEMM1X4_GROUP("lr")
      "ldm r1!, {r12, lr}\n" TFG_GEMM1X4_GROUP("r12") TFG_GEMM1X4_GROUP("lr")
      "subs r2, r2, #1\n"
      "bne 3b\n"
      "4:\n"
      "ldr r3, [sp]\n"
      "stm r3, {r4, r5, r6, r7}\n"
      "pop {r3, r4, r5, r6, r7, r8, r9, r10, r11, pc}\n");
}
// clang-format on

/* r0 x, r1 w, r2 groups, r3 acc (kept on the stack) then the low SXTB16 half of a weight word; r4–r7 the accumulators,
 * r8 / r9 the input word's even and odd bytes, r10–r12 and lr the four rows' weight words. */
/* The four rows' products for one group: r8 / r9 the group's input halves, r10–r12 and lr the rows' weight words. */
#define TFG_DENSE4_ROWS                                                                                                \
  "sxtb16 r3, r10\n"                                                                                                   \
  "smlad r4, r8, r3, r4\n"                                                                                             \
  "sxtb16 r10, r10, ror #8\n"                                                                                          \
  "smlad r4, r9, r10, r4\n"                                                                                            \
  "sxtb16 r3, r11\n"                                                                                                   \
  "smlad r5, r8, r3, r5\n"                                                                                             \
  "sxtb16 r11, r11, ror #8\n"                                                                                          \
  "smlad r5, r9, r11, r5\n"                                                                                            \
  "sxtb16 r3, r12\n"                                                                                                   \
  "smlad r6, r8, r3, r6\n"                                                                                             \
  "sxtb16 r12, r12, ror #8\n"                                                                                          \
  "smlad r6, r9, r12, r6\n"                                                                                            \
  "sxtb16 r3, lr\n"                                                                                                    \
  "smlad r7, r8, r3, r7\n"                                                                                             \
  "sxtb16 lr, lr, ror #8\n"                                                                                            \
  "smlad r7, r9, lr, r7\n"

#define TFG_DENSE4_GROUP                                                                                               \
  "ldr r9, [r0], #4\n"                                                                                                 \
  "ldm r1!, {r10, r11, r12, lr}\n"                                                                                     \
  "sxtb16 r8, r9\n"                                                                                                    \
  "sxtb16 r9, r9, ror #8\n" TFG_DENSE4_ROWS

/* A 4-row block's loop over `groups` groups of `group`: four per pass, the groups % 4 left over first; the accumulators
 * are loaded from and stored back to acc (r3, kept on the stack). */
// clang-format off
#define TFG_DENSE4_LOOP(group)                                                                                         \
  "push {r3, r4, r5, r6, r7, r8, r9, r10, r11, lr}\n"                                                                  \
  "ldm r3, {r4, r5, r6, r7}\n"                                                                                         \
  "lsrs r2, r2, #1\n"                                                                                                  \
  "bcc 1f\n" group                                                                                                     \
  "1:\n"                                                                                                               \
  "lsrs r2, r2, #1\n"                                                                                                  \
  "bcc 2f\n" group group                                                                                               \
  "2:\n"                                                                                                               \
  "beq 4f\n" /* Z from the second LSRS: no four groups left */                                                         \
  "3:\n" group group group group                                                                                       \
  "subs r2, r2, #1\n"                                                                                                  \
  "bne 3b\n"                                                                                                           \
  "4:\n"                                                                                                               \
  "ldr r3, [sp]\n"                                                                                                     \
  "stm r3, {r4, r5, r6, r7}\n"                                                                                         \
  "pop {r3, r4, r5, r6, r7, r8, r9, r10, r11, pc}\n"
// clang-format on

__attribute__((naked)) void tfg_dense4_s8(TFG_ASM_ARG const int8_t *x, TFG_ASM_ARG const int8_t *w,
                                          TFG_ASM_ARG int32_t groups, TFG_ASM_ARG int32_t *acc) {
  __asm__ volatile(TFG_DENSE4_LOOP(TFG_DENSE4_GROUP));
}

/* r0 the widened input (per group its SXTB16 halves: even bytes, odd bytes), r1 w, r2 groups, r3 acc (kept on the
 * stack) then the low SXTB16 half of a weight word; r4–r7 the accumulators, r8 / r9 the group's input halves, r10–r12
 * and lr the four rows' weight words. tfg_dense4_s8's group with one LDM where that widens the input word again. */
#define TFG_DENSE4_WIDE_GROUP                                                                                          \
  "ldm r0!, {r8, r9}\n"                                                                                                \
  "ldm r1!, {r10, r11, r12, lr}\n" TFG_DENSE4_ROWS

__attribute__((naked)) void tfg_dense4_wide_s8(TFG_ASM_ARG const int32_t *xw, TFG_ASM_ARG const int8_t *w,
                                               TFG_ASM_ARG int32_t groups, TFG_ASM_ARG int32_t *acc) {
  __asm__ volatile(TFG_DENSE4_LOOP(TFG_DENSE4_WIDE_GROUP));
}

/* r0 x, r1 w, r2 groups, r3 acc (kept on the stack) then one row's unpacked nibble pair; r4–r7 the accumulators, r8 /
 * r9 the input word's even and odd bytes, r10 the nibble mask 0x000F000F, r11 / r12 the group's two packed words (rows
 * 0–1 and 2–3). A masked shift of a packed word is directly one row's two weights as int16 halves, as SMLAD takes them. */
#define TFG_DENSE4_S4_GROUP                                                                                            \
  "ldr r9, [r0], #4\n"                                                                                                 \
  "ldm r1!, {r11, r12}\n"                                                                                              \
  "sxtb16 r8, r9\n"                                                                                                    \
  "sxtb16 r9, r9, ror #8\n"                                                                                            \
  "and r3, r10, r11\n"                                                                                                 \
  "smlad r4, r8, r3, r4\n"                                                                                             \
  "and r3, r10, r11, lsr #8\n"                                                                                         \
  "smlad r4, r9, r3, r4\n"                                                                                             \
  "and r3, r10, r11, lsr #4\n"                                                                                         \
  "smlad r5, r8, r3, r5\n"                                                                                             \
  "and r3, r10, r11, lsr #12\n"                                                                                        \
  "smlad r5, r9, r3, r5\n"                                                                                             \
  "and r3, r10, r12\n"                                                                                                 \
  "smlad r6, r8, r3, r6\n"                                                                                             \
  "and r3, r10, r12, lsr #8\n"                                                                                         \
  "smlad r6, r9, r3, r6\n"                                                                                             \
  "and r3, r10, r12, lsr #4\n"                                                                                         \
  "smlad r7, r8, r3, r7\n"                                                                                             \
  "and r3, r10, r12, lsr #12\n"                                                                                        \
  "smlad r7, r9, r3, r7\n"

/* Four groups per loop pass; the groups % 4 left over first. */
// clang-format off
__attribute__((naked)) void tfg_dense4_s4(TFG_ASM_ARG const int8_t *x, TFG_ASM_ARG const uint8_t *w,
                                          TFG_ASM_ARG int32_t groups, TFG_ASM_ARG int32_t *acc) {
  __asm__ volatile(
      "push {r3, r4, r5, r6, r7, r8, r9, r10, r11, lr}\n"
      "ldm r3, {r4, r5, r6, r7}\n"
      "mov r10, #0x000F000F\n"
      "lsrs r2, r2, #1\n"
      "bcc 1f\n" TFG_DENSE4_S4_GROUP
      "1:\n"
      "lsrs r2, r2, #1\n"
      "bcc 2f\n" TFG_DENSE4_S4_GROUP TFG_DENSE4_S4_GROUP
      "2:\n"
      "beq 4f\n" /* Z from the second LSRS: no four groups left */
      "3:\n" TFG_DENSE4_S4_GROUP TFG_DENSE4_S4_GROUP TFG_DENSE4_S4_GROUP TFG_DENSE4_S4_GROUP
      "subs r2, r2, #1\n"
      "bne 3b\n"
      "4:\n"
      "ldr r3, [sp]\n"
      "stm r3, {r4, r5, r6, r7}\n"
      "pop {r3, r4, r5, r6, r7, r8, r9, r10, r11, pc}\n");
}
// clang-format on

/* r0 cols, r1 w, r2 pairs of groups, r3 a row's unpacked nibble pair; r4–r7 the four columns' accumulators, r8–r11 the
 * columns' int16 pairs, r12 a packed weight word (group 2i in the low nibbles, group 2i + 1 in the high ones), lr the
 * nibble mask 0x000F000F: a masked shift of the word is directly the pair of int16 weights SMLAD takes. */
#define TFG_GEMM1X4_S4_GROUP(lo_shift, hi_shift)                                                                       \
  "ldm r0!, {r8, r9, r10, r11}\n"                                                                                      \
  "and r3, lr, r12" lo_shift "\n"                                                                                      \
  "smlad r4, r8, r3, r4\n"                                                                                             \
  "smlad r5, r9, r3, r5\n"                                                                                             \
  "smlad r6, r10, r3, r6\n"                                                                                            \
  "smlad r7, r11, r3, r7\n"                                                                                            \
  "ldm r0!, {r8, r9, r10, r11}\n"                                                                                      \
  "and r3, lr, r12, lsr #" hi_shift "\n"                                                                               \
  "smlad r4, r8, r3, r4\n"                                                                                             \
  "smlad r5, r9, r3, r5\n"                                                                                             \
  "smlad r6, r10, r3, r6\n"                                                                                            \
  "smlad r7, r11, r3, r7\n"

/* One weight word (two groups) per loop pass; an odd last group reads the low nibbles of one more word. */
// clang-format off
__attribute__((naked)) void tfg_gemm1x4_s16_s4(TFG_ASM_ARG const int16_t *cols, TFG_ASM_ARG const uint8_t *w,
                                               TFG_ASM_ARG int32_t groups, TFG_ASM_ARG int32_t *acc) {
  __asm__ volatile(
      "push {r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, lr}\n"
      "ldm r3, {r4, r5, r6, r7}\n"
      "mov lr, #0x000F000F\n"
      "lsrs r2, r2, #1\n"
      "beq 2f\n"
      "1:\n"
      "ldr r12, [r1], #4\n" TFG_GEMM1X4_S4_GROUP("", "8") TFG_GEMM1X4_S4_GROUP(", lsr #4", "12")
      "subs r2, r2, #1\n"
      "bne 1b\n"
      "2:\n"
      "ldr r2, [sp]\n"
      "lsls r2, r2, #31\n"
      "beq 3f\n"
      "ldr r12, [r1]\n" TFG_GEMM1X4_S4_GROUP("", "8")
      "3:\n"
      "ldr r3, [sp, #4]\n"
      "stm r3, {r4, r5, r6, r7}\n"
      "pop {r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, pc}\n");
}
// clang-format on

#else

void tfg_gemm1x4_s16(const int16_t *cols, const int8_t *w, int32_t groups, int32_t *acc) {
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  for (int32_t i = 0; i < groups; ++i, cols += 16, w += 4) {
    const uint32_t wv = tfg_load32a(w);
    const int32_t wa = tfg_sxtb16(wv), wb = tfg_sxtb16_ror8(wv);
    a0 = tfg_smlad((int32_t)tfg_load32a(cols + 8), wb, tfg_smlad((int32_t)tfg_load32a(cols), wa, a0));
    a1 = tfg_smlad((int32_t)tfg_load32a(cols + 10), wb, tfg_smlad((int32_t)tfg_load32a(cols + 2), wa, a1));
    a2 = tfg_smlad((int32_t)tfg_load32a(cols + 12), wb, tfg_smlad((int32_t)tfg_load32a(cols + 4), wa, a2));
    a3 = tfg_smlad((int32_t)tfg_load32a(cols + 14), wb, tfg_smlad((int32_t)tfg_load32a(cols + 6), wa, a3));
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}

void tfg_dense4_s8(const int8_t *x, const int8_t *w, int32_t groups, int32_t *acc) {
  int32_t a[4] = {acc[0], acc[1], acc[2], acc[3]};
  for (int32_t i = 0; i < groups; ++i, x += 4) {
    const uint32_t xv = tfg_load32(x);
    const int32_t xa = tfg_sxtb16(xv), xb = tfg_sxtb16_ror8(xv);
    for (int32_t r = 0; r < 4; ++r, w += 4) {
      const uint32_t v = tfg_load32a(w);
      a[r] = tfg_smlad(xb, tfg_sxtb16_ror8(v), tfg_smlad(xa, tfg_sxtb16(v), a[r]));
    }
  }
  for (int32_t r = 0; r < 4; ++r) acc[r] = a[r];
}

void tfg_dense4_wide_s8(const int32_t *xw, const int8_t *w, int32_t groups, int32_t *acc) {
  int32_t a[4] = {acc[0], acc[1], acc[2], acc[3]};
  for (int32_t i = 0; i < groups; ++i, xw += 2)
    for (int32_t r = 0; r < 4; ++r, w += 4) {
      const uint32_t v = tfg_load32a(w);
      a[r] = tfg_smlad(xw[1], tfg_sxtb16_ror8(v), tfg_smlad(xw[0], tfg_sxtb16(v), a[r]));
    }
  for (int32_t r = 0; r < 4; ++r) acc[r] = a[r];
}

void tfg_dense4_s4(const int8_t *x, const uint8_t *w, int32_t groups, int32_t *acc) {
  int32_t a[4] = {acc[0], acc[1], acc[2], acc[3]};
  for (int32_t i = 0; i < groups; ++i, x += 4, w += 8)
    for (int32_t k = 0; k < 4; ++k) {
      const int32_t xk = x[k];
      a[0] += xk * (w[k] & 0x0F);
      a[1] += xk * (w[k] >> 4);
      a[2] += xk * (w[4 + k] & 0x0F);
      a[3] += xk * (w[4 + k] >> 4);
    }
  for (int32_t r = 0; r < 4; ++r) acc[r] = a[r];
}

void tfg_gemm1x4_s16_s4(const int16_t *cols, const uint8_t *w, int32_t groups, int32_t *acc) {
  for (int32_t i = 0; i < groups; ++i, cols += 16) {
    const uint32_t word = tfg_load32a(w + 4 * (i >> 1)) >> (4 * (i & 1));
    const int32_t wa = (int32_t)(word & 0x000F000Fu), wb = (int32_t)((word >> 8) & 0x000F000Fu);
    for (int32_t j = 0; j < 4; ++j)
      acc[j] = tfg_smlad((int32_t)tfg_load32a(cols + 8 + 2 * j), wb,
                         tfg_smlad((int32_t)tfg_load32a(cols + 2 * j), wa, acc[j]));
  }
}

#endif
