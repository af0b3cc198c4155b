// Concat reference: copies each input's slabs along the axis into the output, in input order.
import type { Kernel } from '../kernel.ts';
import { normalizeAxis } from '../../ir/ops/op-def.ts';
import { attrsOf, floats } from './support.ts';

export const concat: Kernel = (node, inputs, [out]) => {
  const axis = normalizeAxis(attrsOf(node, 'Concat').axis, out.shape.length)!;
  const outer = out.shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const inner = out.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const outRow = out.shape[axis] * inner;
  const y = new Float32Array(outer * outRow);
  let offset = 0;
  for (const v of inputs) {
    const xd = floats(v, 'input');
    const row = v!.shape[axis] * inner;
    for (let o = 0; o < outer; o++) y.set(xd.subarray(o * row, (o + 1) * row), o * outRow + offset);
    offset += row;
  }
  return [y];
};
