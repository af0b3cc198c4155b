// Tanh reference: Math.tanh in double, rounded to float32.
import type { Kernel } from '../kernel.ts';
import { mapFloat } from './support.ts';

export const tanh: Kernel = (_node, [x]) => [mapFloat(x, Math.tanh)];
