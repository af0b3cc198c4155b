// LayerNormalization reference in tfg_layernorm_f32's order and float32 steps: mean, then the variance of x − mean,
// then 1 / sqrt(var + eps), then (x − mean) · inv · scale + bias.
import { product } from '../../ir/graph.ts';
import { normalizeAxis } from '../../ir/ops/op-def.ts';
import type { Kernel } from '../kernel.ts';
import { attrsOf, floats } from './support.ts';

export const layerNormalization: Kernel = (node, [x, scale, bias]) => {
  const { axis, epsilon } = attrsOf(node, 'LayerNormalization');
  const f = Math.fround;
  const xd = floats(x, 'input');
  const s = floats(scale, 'scale');
  const b = bias ? floats(bias, 'bias') : undefined;
  const n = product(x!.shape.slice(normalizeAxis(axis, x!.shape.length)));
  const eps = f(epsilon);
  const y = new Float32Array(xd.length);
  for (let base = 0; base < xd.length; base += n) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum = f(sum + xd[base + i]);
    const mean = f(sum / n);
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const d = f(xd[base + i] - mean);
      sq = f(sq + f(d * d));
    }
    const inv = f(1 / f(Math.sqrt(f(f(sq / n) + eps))));
    for (let i = 0; i < n; i++) {
      const v = f(f(f(xd[base + i] - mean) * inv) * s[i]);
      y[base + i] = b ? f(v + b[i]) : v;
    }
  }
  return [y];
};
