// Clip reference: min(max(x, min), max) (ONNX Clip with constant bounds).
import type { Kernel } from '../kernel.ts';
import { attrsOf, mapFloat } from './support.ts';

export const clip: Kernel = (node, [x]) => {
  const { min, max } = attrsOf(node, 'Clip');
  return [mapFloat(x, (v) => (v < min ? min : v > max ? max : v))];
};
