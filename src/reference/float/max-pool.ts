// MaxPool reference: max over the in-bounds window (padding never wins, as ONNX pads with -inf).
import type { Kernel } from '../kernel.ts';
import { poolWindows } from './pool-window.ts';
import { activate, attrsOf } from './support.ts';

export const maxPool: Kernel = (node, [x], [out]) => {
  const { kernel, strides, pads, activation } = attrsOf(node, 'MaxPool');
  const y = poolWindows(x, out.shape, kernel, strides, pads, (v) => {
    let m = -Infinity;
    for (const e of v) if (e > m) m = e;
    return activate(m, activation);
  });
  return [y];
};
