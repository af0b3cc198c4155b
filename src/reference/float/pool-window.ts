// Shared sliding-window loop for the float pools: calls reduce on the in-bounds elements of each window.
import type { Pads } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { floats } from './support.ts';

/**
 * For every output element, `reduce(values, count)` gets the in-bounds input values of its window (padding is
 * skipped; the caller decides whether it counts). Returns the NHWC output.
 */
export function poolWindows(
  x: Value | undefined,
  outShape: readonly number[],
  kernel: [number, number],
  strides: [number, number],
  pads: Pads,
  reduce: (values: number[]) => number,
): Float32Array {
  const xd = floats(x, 'input');
  const [n, h, w, c] = x!.shape;
  const [, oh, ow] = outShape;
  const y = new Float32Array(n * oh * ow * c);
  const values: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ch = 0; ch < c; ch++) {
          values.length = 0;
          for (let ky = 0; ky < kernel[0]; ky++) {
            const iy = oy * strides[0] - pads[0] + ky;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kernel[1]; kx++) {
              const ix = ox * strides[1] - pads[1] + kx;
              if (ix < 0 || ix >= w) continue;
              values.push(xd[((b * h + iy) * w + ix) * c + ch]);
            }
          }
          y[((b * oh + oy) * ow + ox) * c + ch] = reduce(values);
        }
      }
    }
  }
  return y;
}
