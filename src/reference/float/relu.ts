// Relu reference: max(x, 0).
import type { Kernel } from '../kernel.ts';
import { mapFloat } from './support.ts';

export const relu: Kernel = (_node, [x]) => [mapFloat(x, (v) => (v > 0 ? v : 0))];
