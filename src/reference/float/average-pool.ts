// AveragePool reference: ONNX count_include_pad=1 divides by KH·KW, =0 (and TFLite) by the in-bounds count.
import type { Kernel } from '../kernel.ts';
import { poolWindows } from './pool-window.ts';
import { activate, attrsOf } from './support.ts';

export const averagePool: Kernel = (node, [x], [out]) => {
  const { kernel, strides, pads, countIncludePad, activation } = attrsOf(node, 'AveragePool');
  const area = kernel[0] * kernel[1];
  const y = poolWindows(x, out.shape, kernel, strides, pads, (v) => {
    let s = 0;
    for (const e of v) s += e;
    return activate(s / (countIncludePad ? area : v.length), activation);
  });
  return [y];
};
