// PRelu reference: x ≥ 0 ? x : slope · x with the slope broadcast to x (float32 product, as tfg_prelu_f32.c).
import type { Kernel } from '../kernel.ts';
import { broadcastBinary } from './support.ts';

export const prelu: Kernel = (_node, [x, slope]) => [broadcastBinary(x!, slope!, x!.shape, (v, s) => (v >= 0 ? v : Math.fround(s * v)))];
