// Exp reference: e^x in double, rounded to float32 (expf in C agrees within an ulp or two).
import type { Kernel } from '../kernel.ts';
import { mapFloat } from './support.ts';

export const exp: Kernel = (_node, [x]) => [mapFloat(x, Math.exp)];
