// LeakyRelu reference: x >= 0 ? x : alpha·x, with alpha as a float32 like onnxruntime.
import type { Kernel } from '../kernel.ts';
import { attrsOf, mapFloat } from './support.ts';

export const leakyRelu: Kernel = (node, [x]) => {
  const alpha = Math.fround(attrsOf(node, 'LeakyRelu').alpha);
  return [mapFloat(x, (v) => (v >= 0 ? v : alpha * v))];
};
