// Log reference: ln(x) in double, rounded to float32 (NaN below 0, −∞ at 0; logf in C agrees within an ulp or two).
import type { Kernel } from '../kernel.ts';
import { mapFloat } from './support.ts';

export const log: Kernel = (_node, [x]) => [mapFloat(x, Math.log)];
