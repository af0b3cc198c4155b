// BatchNormalization reference (inference): (x - mean) / sqrt(var + eps) · scale + bias over the last axis.
import type { Kernel } from '../kernel.ts';
import { attrsOf, floats } from './support.ts';

export const batchNormalization: Kernel = (node, [x, scale, bias, mean, variance]) => {
  const eps = Math.fround(attrsOf(node, 'BatchNormalization').epsilon);
  const xd = floats(x, 'input');
  const [s, b, m, v] = [floats(scale, 'scale'), floats(bias, 'bias'), floats(mean, 'mean'), floats(variance, 'var')];
  const c = s.length;
  const y = new Float32Array(xd.length);
  for (let i = 0; i < xd.length; i++) {
    const ch = i % c;
    y[i] = ((xd[i] - m[ch]) / Math.sqrt(v[ch] + eps)) * s[ch] + b[ch];
  }
  return [y];
};
