// Softmax reference along one axis: exp(beta·(x - max)) / Σ, max subtracted for stability (as onnxruntime).
import type { Kernel } from '../kernel.ts';
import { normalizeAxis } from '../../ir/ops/op-def.ts';
import { attrsOf, floats } from './support.ts';

export const softmax: Kernel = (node, [x]) => {
  const { axis: rawAxis, beta } = attrsOf(node, 'Softmax');
  const xd = floats(x, 'input');
  const shape = x!.shape;
  const axis = normalizeAxis(rawAxis, shape.length)!;
  const len = shape[axis];
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const outer = xd.length / (len * inner);
  const y = new Float32Array(xd.length);
  const e = new Float64Array(len);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let max = -Infinity;
      for (let k = 0; k < len; k++) max = Math.max(max, xd[base + k * inner]);
      let sum = 0;
      for (let k = 0; k < len; k++) sum += e[k] = Math.exp(beta * (xd[base + k * inner] - max));
      for (let k = 0; k < len; k++) y[base + k * inner] = e[k] / sum;
    }
  }
  return [y];
};
