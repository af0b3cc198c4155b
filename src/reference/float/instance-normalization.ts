// InstanceNormalization reference in tfg_instancenorm_f32's order and float32 steps: per sample and channel the mean,
// then the variance of x − mean, then 1 / sqrt(var + eps), then (x − mean) · inv · scale[c] + bias[c].
import type { Kernel } from '../kernel.ts';
import { attrsOf, floats } from './support.ts';

export const instanceNormalization: Kernel = (node, [x, scale, bias]) => {
  const f = Math.fround;
  const eps = f(attrsOf(node, 'InstanceNormalization').epsilon);
  const xd = floats(x, 'input');
  const [s, b] = [floats(scale, 'scale'), floats(bias, 'bias')];
  const shape = x!.shape;
  const batch = shape[0];
  const channels = shape[shape.length - 1];
  const spatial = xd.length / (batch * channels);
  const y = new Float32Array(xd.length);
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      const at = (i: number) => (n * spatial + i) * channels + c;
      let sum = 0;
      for (let i = 0; i < spatial; i++) sum = f(sum + xd[at(i)]);
      const mean = f(sum / spatial);
      let sq = 0;
      for (let i = 0; i < spatial; i++) {
        const d = f(xd[at(i)] - mean);
        sq = f(sq + f(d * d));
      }
      const inv = f(1 / f(Math.sqrt(f(f(sq / spatial) + eps))));
      for (let i = 0; i < spatial; i++) y[at(i)] = f(f(f(f(xd[at(i)] - mean) * inv) * s[c]) + b[c]);
    }
  }
  return [y];
};
