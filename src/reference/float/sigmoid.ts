// Sigmoid reference: 1 / (1 + exp(-x)), computed in double and rounded to float32.
import type { Kernel } from '../kernel.ts';
import { mapFloat } from './support.ts';

export const sigmoid: Kernel = (_node, [x]) => [mapFloat(x, (v) => 1 / (1 + Math.exp(-v)))];
