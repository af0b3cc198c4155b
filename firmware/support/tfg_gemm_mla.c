/* tfg_gemm_mla.c: the register blocks of tfg_gemm_mla.h. On ARMv7-M they are hand-scheduled Thumb-2 (the block keeps 13
 * registers live, more than gcc holds without spilling, and an LDM of four columns is one instruction under -icount);
 * on ARMv6-M (Cortex-M0) hand-scheduled Thumb-1 for the conv and depthwise blocks; elsewhere the same exact integer
 * sums in C. */
#include "tfg_gemm_mla.h"

#if (defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__)) && defined(__thumb2__) && defined(__GNUC__)
#define TFG_MLA_THUMB2 1
#elif defined(__ARM_ARCH_6M__) && defined(__GNUC__)
#define TFG_MLA_THUMB1 1
#endif

/* the naked body reads its arguments from r0–r3, which gcc does not see */
#define TFG_ASM_ARG __attribute__((unused))

#if defined(TFG_MLA_THUMB2)

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

#elif defined(TFG_MLA_THUMB1)

/* ARMv6-M has no MLA and its data-processing instructions reach r0–r7 only, but ADD (register) reaches r8–r12: the
 * four accumulators live in r8–r11, each product is a MULS into the low register that held the column element and an
 * ADD into its accumulator. r0 cols, r1 w, r2 a weight word, r3 one sign-extended weight, r4–r7 element k of the four
 * columns, r12 the end of the columns. */
#define TFG_MULS4_T1                                                                                                   \
  "ldm r0!, {r4, r5, r6, r7}\n"                                                                                        \
  "muls r4, r3, r4\n"                                                                                                  \
  "add r8, r4\n"                                                                                                       \
  "muls r5, r3, r5\n"                                                                                                  \
  "add r9, r5\n"                                                                                                       \
  "muls r6, r3, r6\n"                                                                                                  \
  "add r10, r6\n"                                                                                                      \
  "muls r7, r3, r7\n"                                                                                                  \
  "add r11, r7\n"
/* r8–r11 saved below the caller's r4–r7 (and r3, the acc pointer, below them), then loaded from acc[0..3] */
#define TFG_T1_ENTER                                                                                                   \
  ".syntax unified\n" /* gcc hands Thumb-1 inline asm to the assembler in divided syntax */                            \
  "push {r4, r5, r6, r7, lr}\n"                                                                                        \
  "mov r4, r8\n"                                                                                                       \
  "mov r5, r9\n"                                                                                                       \
  "mov r6, r10\n"                                                                                                      \
  "mov r7, r11\n"                                                                                                      \
  "push {r4, r5, r6, r7}\n"
#define TFG_T1_LOAD_ACC(reg)                                                                                           \
  "push {" reg "}\n"                                                                                                   \
  "ldm " reg "!, {r4, r5, r6, r7}\n"                                                                                   \
  "mov r8, r4\n"                                                                                                       \
  "mov r9, r5\n"                                                                                                       \
  "mov r10, r6\n"                                                                                                      \
  "mov r11, r7\n"
#define TFG_T1_STORE_ACC_AND_LEAVE                                                                                     \
  "pop {r3}\n"                                                                                                         \
  "mov r4, r8\n"                                                                                                       \
  "mov r5, r9\n"                                                                                                       \
  "mov r6, r10\n"                                                                                                      \
  "mov r7, r11\n"                                                                                                      \
  "stm r3!, {r4, r5, r6, r7}\n"                                                                                        \
  "pop {r4, r5, r6, r7}\n"                                                                                             \
  "mov r8, r4\n"                                                                                                       \
  "mov r9, r5\n"                                                                                                       \
  "mov r10, r6\n"                                                                                                      \
  "mov r11, r7\n"                                                                                                      \
  "pop {r4, r5, r6, r7, pc}\n"

/* One group per pass: an LDM of its weight word, each weight sign-extended once (SXTB, or ASRS for the top byte) for
 * the four columns; 45 instructions per 16 MACs. */
// clang-format off
__attribute__((naked)) void tfg_gemm1x4_s32(TFG_ASM_ARG const int32_t *cols, TFG_ASM_ARG const int8_t *w,
                                            TFG_ASM_ARG int32_t groups, TFG_ASM_ARG int32_t *acc) {
  __asm__ volatile(
      TFG_T1_ENTER TFG_T1_LOAD_ACC("r3")
      "lsls r2, r2, #6\n"
      "beq 2f\n"
      "adds r2, r2, r0\n"
      "mov r12, r2\n"
      "1:\n"
      "ldm r1!, {r2}\n"
      "sxtb r3, r2\n" TFG_MULS4_T1
      "asrs r3, r2, #8\n"
      "sxtb r3, r3\n" TFG_MULS4_T1
      "asrs r3, r2, #16\n"
      "sxtb r3, r3\n" TFG_MULS4_T1
      "asrs r3, r2, #24\n" TFG_MULS4_T1
      "cmp r0, r12\n"
      "bne 1b\n"
      "2:\n" TFG_T1_STORE_ACC_AND_LEAVE);
}
// clang-format on

/* A tap of 4 channels: an LDM of its inputs, two LDM of its weights, four MULS and four ADD (11 instructions). r0 the
 * current window row, r1 w, r2 and r3 weights; rows 1 and 2 wait in lr and r12. */
#define TFG_DW_T1_TAP                                                                                                  \
  "ldm r0!, {r4, r5, r6, r7}\n"                                                                                        \
  "ldm r1!, {r2, r3}\n"                                                                                                \
  "muls r4, r2, r4\n"                                                                                                  \
  "add r8, r4\n"                                                                                                       \
  "muls r5, r3, r5\n"                                                                                                  \
  "add r9, r5\n"                                                                                                       \
  "ldm r1!, {r2, r3}\n"                                                                                                \
  "muls r6, r2, r6\n"                                                                                                  \
  "add r10, r6\n"                                                                                                      \
  "muls r7, r3, r7\n"                                                                                                  \
  "add r11, r7\n"
#define TFG_DW_T1_ROW TFG_DW_T1_TAP TFG_DW_T1_TAP TFG_DW_T1_TAP

// clang-format off
__attribute__((naked)) void tfg_dw3x3_mla(TFG_ASM_ARG const int32_t *const x[3], TFG_ASM_ARG const int32_t *w,
                                          TFG_ASM_ARG int32_t *acc) {
  __asm__ volatile(
      TFG_T1_ENTER TFG_T1_LOAD_ACC("r2")
      "ldr r2, [r0, #4]\n"
      "mov lr, r2\n"
      "ldr r2, [r0, #8]\n"
      "mov r12, r2\n"
      "ldr r0, [r0]\n" TFG_DW_T1_ROW
      "mov r0, lr\n" TFG_DW_T1_ROW
      "mov r0, r12\n" TFG_DW_T1_ROW TFG_T1_STORE_ACC_AND_LEAVE);
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

void tfg_dw3x3_mla(const int32_t *const x[3], const int32_t *w, int32_t *acc) {
  for (int32_t r = 0; r < 3; ++r)
    for (int32_t t = 0; t < 12; ++t) acc[t & 3] += x[r][t] * w[12 * r + t];
}

#endif

#if !defined(TFG_MLA_THUMB2)
void tfg_dense4_mla(const int8_t *x, const int8_t *w, int32_t groups, int32_t *acc) {
  for (int32_t i = 0; i < groups; ++i, x += 4, w += 16)
    for (int32_t r = 0; r < 4; ++r)
      for (int32_t k = 0; k < 4; ++k) acc[r] += (int32_t)x[k] * (int32_t)w[4 * r + k];
}
#endif
