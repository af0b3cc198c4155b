// Quantize reference for f32 → i8: TFLite AffineQuantize via quant.ts (float32 division, round half away from zero).
// i8 → i8 requantize is the int8 table's job (the interpreter dispatches on the input dtype).
import type { Tensor } from '../../ir/graph.ts';
import type { Kernel } from '../kernel.ts';
import { quantizeValue } from '../quant.ts';
import { floats } from './support.ts';

/** scale/zeroPoint of element i of a tensor (per tensor, or per channel along quant.axis). */
export function quantAt(t: Tensor, i: number): { scale: number; zeroPoint: number } {
  const q = t.quant;
  if (!q) throw new Error(`tensor "${t.name}" has no quant params`);
  if (q.axis === undefined || q.scale.length === 1) return { scale: q.scale[0], zeroPoint: q.zeroPoint[0] };
  const inner = t.shape.slice(q.axis + 1).reduce((p, d) => p * d, 1);
  const c = Math.floor(i / inner) % t.shape[q.axis];
  return { scale: q.scale[c], zeroPoint: q.zeroPoint[c] };
}

export const quantize: Kernel = (_node, [x], [out]) => {
  const xd = floats(x, 'input');
  const y = new Int8Array(xd.length);
  for (let i = 0; i < xd.length; i++) {
    const { scale, zeroPoint } = quantAt(out, i);
    y[i] = quantizeValue(xd[i], scale, zeroPoint);
  }
  return [y];
};
