// HardSigmoid reference: min(max(alpha · x + beta, 0), 1), each step in float32 as tfg_hard_sigmoid_f32.c computes it.
import type { Kernel } from '../kernel.ts';
import { attrsOf, mapFloat } from './support.ts';

export function hardSigmoidValue(x: number, alpha: number, beta: number): number {
  const v = Math.fround(Math.fround(Math.fround(alpha) * x) + Math.fround(beta));
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

export const hardSigmoid: Kernel = (node, [x]) => {
  const { alpha, beta } = attrsOf(node, 'HardSigmoid');
  return [mapFloat(x, (v) => hardSigmoidValue(v, alpha, beta))];
};
