// int8 Resize, keeping the input's quantization (TFLite requires it). Nearest copies values. Bilinear is TFLM's
// RESIZE_BILINEAR integer kernel: with 10-bit row and column fractions fy, fx (resize-tables.ts),
//   acc = q00·(1024−fy)(1024−fx) + q10·fy(1024−fx) + q01·(1024−fy)fx + q11·fy·fx
//   y = (acc ± 2^19) / 2^20, rounded half away from zero (C division truncates toward zero).
// |acc| < 2^29 (each axis' weights total at most 2048 in magnitude), so int32 holds it.
import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { resizeNearest } from '../float/resize.ts';
import { linearInt8Table, resizeGeometry } from '../resize-tables.ts';
import { int8Data, quantOf, requireInput, requireSameQuant } from './common.ts';

/** One bilinear int8 value from the four neighbours and the 10-bit fractions. */
export function bilinearInt8(q00: number, q10: number, q01: number, q11: number, fy: number, fx: number): number {
  const acc = q00 * (1024 - fy) * (1024 - fx) + q10 * fy * (1024 - fx) + q01 * (1024 - fy) * fx + q11 * fy * fx;
  return Math.trunc((acc + (acc > 0 ? 1 << 19 : -(1 << 19))) / (1 << 20));
}

export function resizeInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const n = node as Node<'Resize'>;
  const xv = requireInput(n, inputs, 0);
  const x = int8Data(n, xv);
  requireSameQuant(n, quantOf(xv, n), quantOf(outputs[0], n));
  if (n.attrs.mode === 'nearest') return [resizeNearest(n, x, xv.shape)];
  const [b, h, w, oh, ow, c] = resizeGeometry(n, xv.shape);
  const rows = linearInt8Table(h, oh, n.attrs);
  const cols = linearInt8Table(w, ow, n.attrs);
  const y = new Int8Array(b * oh * ow * c);
  let o = 0;
  for (let p = 0; p < b; p++)
    for (let i = 0; i < oh; i++) {
      const r0 = (p * h + rows[3 * i]) * w;
      const r1 = (p * h + rows[3 * i + 1]) * w;
      for (let j = 0; j < ow; j++) {
        const c0 = cols[3 * j];
        const c1 = cols[3 * j + 1];
        for (let k = 0; k < c; k++) {
          y[o++] = bilinearInt8(
            x[(r0 + c0) * c + k],
            x[(r1 + c0) * c + k],
            x[(r0 + c1) * c + k],
            x[(r1 + c1) * c + k],
            rows[3 * i + 2],
            cols[3 * j + 2],
          );
        }
      }
    }
  return [y];
}
