// GlobalAveragePool reference: mean over H·W per (batch, channel) → [N, 1, 1, C].
import type { Kernel } from '../kernel.ts';
import { floats } from './support.ts';

export const globalAveragePool: Kernel = (_node, [x]) => {
  const xd = floats(x, 'input');
  const [n, h, w, c] = x!.shape;
  const y = new Float32Array(n * c);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      let s = 0;
      for (let i = 0; i < h * w; i++) s += xd[(b * h * w + i) * c + ch];
      y[b * c + ch] = s / (h * w);
    }
  }
  return [y];
};
