/* tfg_gemm_mla.c: the register blocks of tfg_gemm_mla.h. On ARMv7-M it is hand-scheduled Thumb-2 (the block keeps 13
 * registers live, more than gcc holds without spilling, and an LDM of four columns is one instruction under -icount);
 * elsewhere the same exact integer sums in C. */
#include "tfg_gemm_mla.h"

#if (defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__)) && defined(__thumb2__) && defined(__GNUC__)

/* the naked body reads its arguments from r0–r3, which gcc does not see */
#define TFG_ASM_ARG __attribute__((unused))

/* r0 cols, r1 w, r2 pairs of groups, r3 acc (kept on the stack) then a weight word; r4–r7 the four columns'
 * accumulators, r8–r11 one element of the four columns, r12 a weight word, lr one sign-extended weight. */
#define TFG_MLA4(ext)                                                                                                  \
  "ldm r0!, {r8, r9, r10, r11}\n" ext "\n"                                                                             \
  "mla r4, r8, lr, r4\n"                                                                                               \
  "mla r5, r9, lr, r5\n"                                                                                               \
  "mla r6, r10, lr, r6\n"                                                                                              \
  "mla r7, r11, lr, r7\n"
#define TFG_GEMM1X4_MLA_GROUP(wreg)                                                                                    \
  TFG_MLA4("sxtb lr, " wreg)                                                                                           \
  TFG_MLA4("sxtb lr, " wreg ", ror #8")                                                                                \
  TFG_MLA4("sxtb lr, " wreg ", ror #16")                                                                               \
  TFG_MLA4("asr lr, " wreg ", #24")

/* Two groups per loop pass (one LDM for their two weight words); an odd group first. */
// clang-format off
__attribute__((naked)) void tfg_gemm1x4_s32(TFG_ASM_ARG const int32_t *cols, TFG_ASM_ARG const int8_t *w,
                                            TFG_ASM_ARG int32_t groups, TFG_ASM_ARG int32_t *acc) {
  __asm__ volatile(
      "push {r3, r4, r5, r6, r7, r8, r9, r10, r11, lr}\n"
      "ldm r3, {r4, r5, r6, r7}\n"
      "lsrs r2, r2, #1\n"
      "bcc 1f\n"
      "ldr r12, [r1], #4\n" TFG_GEMM1X4_MLA_GROUP("r12")
      "1:\n"
      "beq 3f\n" /* Z from the LSRS: no pair of groups left */
      "2:\n"
      "ldm r1!, {r3, r12}\n" TFG_GEMM1X4_MLA_GROUP("r3") TFG_GEMM1X4_MLA_GROUP("r12")
      "subs r2, r2, #1\n"
      "bne 2b\n"
      "3:\n"
      "ldr r3, [sp]\n"
      "stm r3, {r4, r5, r6, r7}\n"
      "pop {r3, r4, r5, r6, r7, r8, r9, r10, r11, pc}\n");
}
// clang-format on

/* r0 the current window row's inputs, r1 w; r4–r7 the accumulators, r8–r11 a tap's 4 inputs, r2, r3, r12, lr its 4
 * weights; the pointers of rows 1 and 2 wait on the stack above the saved acc pointer. */
#define TFG_DW_MLA_TAP                                                                                                 \
  "ldm r0!, {r8, r9, r10, r11}\n"                                                                                      \
  "ldm r1!, {r2, r3, r12, lr}\n"                                                                                       \
  "mla r4, r8, r2, r4\n"                                                                                               \
  "mla r5, r9, r3, r5\n"                                                                                               \
  "mla r6, r10, r12, r6\n"                                                                                             \
  "mla r7, r11, lr, r7\n"
#define TFG_DW_MLA_ROW TFG_DW_MLA_TAP TFG_DW_MLA_TAP TFG_DW_MLA_TAP

// clang-format off
__attribute__((naked)) void tfg_dw3x3_mla(TFG_ASM_ARG const int32_t *const x[3], TFG_ASM_ARG const int32_t *w,
                                          TFG_ASM_ARG int32_t *acc) {
  __asm__ volatile(
      "push {r2, r4, r5, r6, r7, r8, r9, r10, r11, lr}\n"
      "ldm r2, {r4, r5, r6, r7}\n"
      "ldm r0, {r0, r2, r3}\n"
      "push {r2, r3}\n" TFG_DW_MLA_ROW
      "pop {r0}\n" TFG_DW_MLA_ROW
      "pop {r0}\n" TFG_DW_MLA_ROW
      "ldr r2, [sp]\n"
      "stm r2, {r4, r5, r6, r7}\n"
      "pop {r2, r4, r5, r6, r7, r8, r9, r10, r11, pc}\n");
}
// clang-format on

/* r0 x, r1 w, r2 pairs of groups, r3 acc (kept on the stack) then a weight; r4–r7 the four rows' accumulators, r8–r11
 * the group's 4 inputs, r12 and lr weights. LDRSB sign-extends each byte as it loads it; a post-indexed first load
 * steps each pointer, the other loads reach back with negative offsets. */
#define TFG_DENSE4_MLA_GROUP                                                                                           \
  "ldrsb r8, [r0], #4\n"                                                                                               \
  "ldrsb r9, [r0, #-3]\n"                                                                                              \
  "ldrsb r10, [r0, #-2]\n"                                                                                             \
  "ldrsb r11, [r0, #-1]\n"                                                                                             \
  "ldrsb r12, [r1], #16\n"                                                                                             \
  "mla r4, r8, r12, r4\n"                                                                                              \
  "ldrsb lr, [r1, #-15]\n"                                                                                             \
  "mla r4, r9, lr, r4\n"                                                                                               \
  "ldrsb r3, [r1, #-14]\n"                                                                                             \
  "mla r4, r10, r3, r4\n"                                                                                              \
  "ldrsb r12, [r1, #-13]\n"                                                                                            \
  "mla r4, r11, r12, r4\n"                                                                                             \
  "ldrsb lr, [r1, #-12]\n"                                                                                             \
  "mla r5, r8, lr, r5\n"                                                                                               \
  "ldrsb r3, [r1, #-11]\n"                                                                                             \
  "mla r5, r9, r3, r5\n"                                                                                               \
  "ldrsb r12, [r1, #-10]\n"                                                                                            \
  "mla r5, r10, r12, r5\n"                                                                                             \
  "ldrsb lr, [r1, #-9]\n"                                                                                              \
  "mla r5, r11, lr, r5\n"                                                                                              \
  "ldrsb r3, [r1, #-8]\n"                                                                                              \
  "mla r6, r8, r3, r6\n"                                                                                               \
  "ldrsb r12, [r1, #-7]\n"                                                                                             \
  "mla r6, r9, r12, r6\n"                                                                                              \
  "ldrsb lr, [r1, #-6]\n"                                                                                              \
  "mla r6, r10, lr, r6\n"                                                                                              \
  "ldrsb r3, [r1, #-5]\n"                                                                                              \
  "mla r6, r11, r3, r6\n"                                                                                              \
  "ldrsb r12, [r1, #-4]\n"                                                                                             \
  "mla r7, r8, r12, r7\n"                                                                                              \
  "ldrsb lr, [r1, #-3]\n"                                                                                              \
  "mla r7, r9, lr, r7\n"                                                                                               \
  "ldrsb r3, [r1, #-2]\n"                                                                                              \
  "mla r7, r10, r3, r7\n"                                                                                              \
  "ldrsb r12, [r1, #-1]\n"                                                                                             \
  "mla r7, r11, r12, r7\n"

/* Two groups per loop pass; an odd group first. */
// clang-format off
__attribute__((naked)) void tfg_dense4_mla(TFG_ASM_ARG const int8_t *x, TFG_ASM_ARG const int8_t *w,
                                           TFG_ASM_ARG int32_t groups, TFG_ASM_ARG int32_t *acc) {
  __asm__ volatile(
      "push {r3, r4, r5, r6, r7, r8, r9, r10, r11, lr}\n"
      "ldm r3, {r4, r5, r6, r7}\n"
      "lsrs r2, r2, #1\n"
      "bcc 1f\n" TFG_DENSE4_MLA_GROUP
      "1:\n"
      "beq 3f\n" /* Z from the LSRS: no pair of groups left */
      "2:\n" TFG_DENSE4_MLA_GROUP TFG_DENSE4_MLA_GROUP
      "subs r2, r2, #1\n"
      "bne 2b\n"
      "3:\n"
      "ldr r3, [sp]\n"
      "stm r3, {r4, r5, r6, r7}\n"
      "pop {r3, r4, r5, r6, r7, r8, r9, r10, r11, pc}\n");
}
// clang-format on

#else

void tfg_gemm1x4_s32(const int32_t *cols, const int8_t *w, int32_t groups, int32_t *acc) {
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  for (int32_t k = 0; k < 4 * groups; ++k, cols += 4) {
    const int32_t wk = w[k];
    a0 += cols[0] * wk;
    a1 += cols[1] * wk;
    a2 += cols[2] * wk;
    a3 += cols[3] * wk;
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}

void tfg_dense4_mla(const int8_t *x, const int8_t *w, int32_t groups, int32_t *acc) {
  for (int32_t i = 0; i < groups; ++i, x += 4, w += 16)
    for (int32_t r = 0; r < 4; ++r)
      for (int32_t k = 0; k < 4; ++k) acc[r] += (int32_t)x[k] * (int32_t)w[4 * r + k];
}

void tfg_dw3x3_mla(const int32_t *const x[3], const int32_t *w, int32_t *acc) {
  for (int32_t r = 0; r < 3; ++r)
    for (int32_t t = 0; t < 12; ++t) acc[t & 3] += x[r][t] * w[12 * r + t];
}

#endif
