// Resize reference (NHWC over H, W): nearest copies the picked pixel (any dtype, so int8 shares it); linear blends the
// four neighbours with float32 weights in the order the C kernel does: each row pair along W, then the two along H.
import type { Node, TensorData } from '../../ir/graph.ts';
import type { Kernel } from '../kernel.ts';
import { linearTable, nearestTable, resizeGeometry } from '../resize-tables.ts';
import { floats } from './support.ts';

/** Nearest resize of NHWC `x`: whole pixels (all channels) copied from the picked source. */
export function resizeNearest(node: Node<'Resize'>, x: TensorData, shape: readonly number[]): TensorData {
  const [n, h, w, oh, ow, c] = resizeGeometry(node, shape);
  const rows = nearestTable(h, oh, node.attrs.scales[0], node.attrs);
  const cols = nearestTable(w, ow, node.attrs.scales[1], node.attrs);
  const y = new (x.constructor as new (len: number) => TensorData)(n * oh * ow * c);
  let o = 0;
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        const src = ((b * h + rows[i]) * w + cols[j]) * c;
        for (let k = 0; k < c; k++) y[o++] = x[src + k];
      }
  return y;
}

function resizeLinear(node: Node<'Resize'>, x: Float32Array, shape: readonly number[]): Float32Array {
  const [n, h, w, oh, ow, c] = resizeGeometry(node, shape);
  const rows = linearTable(h, oh, node.attrs.scales[0], node.attrs);
  const cols = linearTable(w, ow, node.attrs.scales[1], node.attrs);
  const f = Math.fround;
  const y = new Float32Array(n * oh * ow * c);
  let o = 0;
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++) {
      const r0 = (b * h + rows.index[2 * i]) * w;
      const r1 = (b * h + rows.index[2 * i + 1]) * w;
      const wy0 = rows.weight[2 * i];
      const wy1 = rows.weight[2 * i + 1];
      for (let j = 0; j < ow; j++) {
        const c0 = cols.index[2 * j];
        const c1 = cols.index[2 * j + 1];
        const wx0 = cols.weight[2 * j];
        const wx1 = cols.weight[2 * j + 1];
        for (let k = 0; k < c; k++) {
          const top = f(f(x[(r0 + c0) * c + k] * wx0) + f(x[(r0 + c1) * c + k] * wx1));
          const bottom = f(f(x[(r1 + c0) * c + k] * wx0) + f(x[(r1 + c1) * c + k] * wx1));
          y[o++] = f(f(top * wy0) + f(bottom * wy1));
        }
      }
    }
  return y;
}

export const resize: Kernel = (node, [x]) => {
  const n = node as Node<'Resize'>;
  return [n.attrs.mode === 'nearest' ? resizeNearest(n, x!.data, x!.shape) : resizeLinear(n, floats(x, 'input'), x!.shape)];
};
