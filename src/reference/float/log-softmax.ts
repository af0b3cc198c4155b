// LogSoftmax reference along one axis: (x − max) − ln Σ e^(x − max), in float32 steps as tfg_log_softmax_f32.c (expf
// and logf there agree within float tolerance).
import type { Kernel } from '../kernel.ts';
import { normalizeAxis } from '../../ir/ops/op-def.ts';
import { attrsOf, floats } from './support.ts';

export const logSoftmax: Kernel = (node, [x]) => {
  const { axis: rawAxis } = attrsOf(node, 'LogSoftmax');
  const xd = floats(x, 'input');
  const shape = x!.shape;
  const axis = normalizeAxis(rawAxis, shape.length)!;
  const len = shape[axis];
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const outer = xd.length / (len * inner);
  const y = new Float32Array(xd.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let max = -Infinity;
      for (let k = 0; k < len; k++) max = Math.max(max, xd[base + k * inner]);
      let sum = 0;
      for (let k = 0; k < len; k++) sum = Math.fround(sum + Math.fround(Math.exp(Math.fround(xd[base + k * inner] - max))));
      const logSum = Math.fround(Math.log(sum));
      for (let k = 0; k < len; k++) y[base + k * inner] = Math.fround(Math.fround(xd[base + k * inner] - max) - logSum);
    }
  }
  return [y];
};
