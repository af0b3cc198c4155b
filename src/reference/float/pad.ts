// Pad reference: constant mode fills the output with `value` and copies the input at offset `begins`; reflect and edge
// read every output element from the input (strided-view.ts).
import type { Kernel } from '../kernel.ts';
import { copyMirrorPad } from '../strided-view.ts';
import { attrsOf, floats, stridesOf } from './support.ts';

export const pad: Kernel = (node, [x], [out]) => {
  const { pads, value, mode } = attrsOf(node, 'Pad');
  const xd = floats(x, 'input');
  if (mode === 'reflect' || mode === 'edge') return [copyMirrorPad(xd, x!.shape, out.shape, pads, mode)];
  const inShape = x!.shape;
  const rank = inShape.length;
  const outStrides = stridesOf(out.shape);
  const y = new Float32Array(out.shape.reduce((p, d) => p * d, 1)).fill(value);
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < xd.length; i++) {
    let o = 0;
    for (let d = 0; d < rank; d++) o += (idx[d] + pads[d]) * outStrides[d];
    y[o] = xd[i];
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < inShape[d]) break;
      idx[d] = 0;
    }
  }
  return [y];
};
