// Dequantize reference: i8 → f32, real = scale·(q − zeroPoint) with the input's quant (per tensor or per channel).
import type { Kernel } from '../kernel.ts';
import { quantAt } from './quantize.ts';

export const dequantize: Kernel = (_node, [x]) => {
  const xd = x!.data;
  const y = new Float32Array(xd.length);
  for (let i = 0; i < xd.length; i++) {
    const { scale, zeroPoint } = quantAt(x!, i);
    y[i] = Math.fround(scale) * (xd[i] - zeroPoint);
  }
  return [y];
};
