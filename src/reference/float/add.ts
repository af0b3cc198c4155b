// Add reference: x + y with numpy broadcasting, then the fused activation.
import type { Kernel } from '../kernel.ts';
import { activate, attrsOf, broadcastBinary } from './support.ts';

export const add: Kernel = (node, [x, y], [out]) => {
  const { activation } = attrsOf(node, 'Add');
  return [broadcastBinary(x!, y!, out.shape, (a, b) => activate(a + b, activation))];
};
