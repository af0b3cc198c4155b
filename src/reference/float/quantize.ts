// Quantize reference: f32 → i8 with the output's quant, TFLite AffineQuantize (round half away from zero, float32 division).
// TODO(quant): replace the local rounding with quantizeValue from src/reference/quant.ts once that file is on main.
import type { Tensor } from '../../ir/graph.ts';
import type { Kernel } from '../kernel.ts';

/** C round(): half away from zero, as TFLite's Quantize. */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** scale/zeroPoint of element i of a tensor (per-tensor, or per-channel along quant.axis). */
export function quantAt(t: Tensor, i: number): { scale: number; zeroPoint: number } {
  const q = t.quant;
  if (!q) throw new Error(`tensor "${t.name}" has no quant params`);
  if (q.axis === undefined || q.scale.length === 1) return { scale: q.scale[0], zeroPoint: q.zeroPoint[0] };
  const inner = t.shape.slice(q.axis + 1).reduce((p, d) => p * d, 1);
  const c = Math.floor(i / inner) % t.shape[q.axis];
  return { scale: q.scale[c], zeroPoint: q.zeroPoint[c] };
}

export const quantize: Kernel = (_node, [x], [out]) => {
  const xd = x!.data;
  const y = new Int8Array(xd.length);
  for (let i = 0; i < xd.length; i++) {
    // An i8 input (requantize) is first taken back to real; the int8 registry's exact requantize is preferred when present.
    const real = x!.dtype === 'i8' ? (() => { const q = quantAt(x!, i); return q.scale * (xd[i] - q.zeroPoint); })() : xd[i];
    const { scale, zeroPoint } = quantAt(out, i);
    const q = roundHalfAway(Math.fround(Math.fround(real) / Math.fround(scale))) + zeroPoint;
    y[i] = q < -128 ? -128 : q > 127 ? 127 : q;
  }
  return [y];
};
