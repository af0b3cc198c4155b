// TensorFlow Lite Micro + CMSIS-NN on the same emulated Cortex-M4 (QEMU mps2-an386, -icount shift=3), the figures
// to beat. Measured by building TFLM with its release flags and int8-only kernel registration and timing it with
// the same SysTick method our firmware uses; arena = TFLM's smallest working arena; flash includes the model.

export interface TflmFigures {
  instructions: number;
  arena: number;
  flash: number;
}

export const TFLM_CMSIS_NN = {
  kws: { instructions: 7_697_225, arena: 22_832, flash: 109_324 },
  ic: { instructions: 29_861_810, arena: 55_008, flash: 154_252 },
  vww: { instructions: 24_101_525, arena: 100_720, flash: 415_840 },
  ad: { instructions: 582_825, arena: 3_024, flash: 307_872 },
} satisfies Record<string, TflmFigures>;

/** KWS instructions per inference with TFLM + CMSIS-NN on the other cores it was measured on (same method). */
export const TFLM_CMSIS_NN_OTHER_CORES = {
  'mps2-an385': 10_531_605, // Cortex-M3: CMSIS-NN's plain-C paths (no DSP extension)
  // The Cortex-M0 instruction stream on mps2-an385, in a build with more RAM than the micro:bit's 16 KB that
  // mps2-an385-armv6m holds ours to.
  'mps2-an385-armv6m': 28_999_575,
} satisfies Record<string, number>;

/** IC, VWW and AD instructions per inference with TFLM + CMSIS-NN on mps2-an385 (Cortex-M3), as the project's targets
 *  give them: to three significant figures. */
export const TFLM_CMSIS_NN_M3 = {
  ic: 41_800_000,
  vww: 32_000_000,
  ad: 960_000,
} satisfies Record<string, number>;
