// Dequantize reference: i8 → f32, float32(scale·(q − zeroPoint)) via quant.ts, per tensor or per channel
// (the int8 table's kernel is used when present; this one also covers per-channel quant).
import type { Kernel } from '../kernel.ts';
import { dequantizeValue } from '../quant.ts';
import { quantAt } from './quantize.ts';

export const dequantize: Kernel = (_node, [x]) => {
  const xd = x!.data;
  const y = new Float32Array(xd.length);
  for (let i = 0; i < xd.length; i++) {
    const { scale, zeroPoint } = quantAt(x!, i);
    y[i] = dequantizeValue(xd[i], scale, zeroPoint);
  }
  return [y];
};
