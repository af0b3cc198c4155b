// HardSwish reference: x · min(max(x + 3, 0), 6) / 6, each step rounded to float32 in the order
// firmware/kernels/activation/tfg_hard_swish_f32.c evaluates it, so the two agree to the bit.
import type { Kernel } from '../kernel.ts';
import { mapFloat } from './support.ts';

/** HardSwish of one float32 value, in float32 arithmetic. */
export function hardSwishValue(x: number): number {
  const r = Math.min(Math.max(Math.fround(x + 3), 0), 6);
  return Math.fround(Math.fround(x * r) / 6);
}

export const hardSwish: Kernel = (_node, [x]) => [mapFloat(x, hardSwishValue)];
