// Dense reference: y[r, o] = Σ_i x[r, i]·W[o, i] + b[o], accumulated in float64 then stored as float32.
// binarizeInput (XNOR layers): x is replaced by sign(x) ∈ {−1, +1}; the sum (exact for ±α weights) is rounded to float,
// then the bias added in float: y = fround(fround(α·(N − 2·mismatches)) + b), what tfg_dense_f32_xnor computes.
import type { Kernel } from '../kernel.ts';
import { activate, attrsOf, floats } from './support.ts';

export const dense: Kernel = (node, [x, w, b]) => {
  const { activation, binarizeInput } = attrsOf(node, 'Dense');
  const xd = floats(x, 'input');
  const wd = floats(w, 'weights');
  const bd = b ? floats(b, 'bias') : undefined;
  const [units, inner] = w!.shape;
  const rows = xd.length / inner;
  const y = new Float32Array(rows * units);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < units; o++) {
      let acc = bd && !binarizeInput ? bd[o] : 0;
      const xo = r * inner;
      const wo = o * inner;
      if (binarizeInput) {
        for (let i = 0; i < inner; i++) acc += xd[xo + i] >= 0 ? wd[wo + i] : -wd[wo + i];
        acc = Math.fround(acc);
        if (bd) acc += bd[o]; // a float add: a sum of two floats rounded via float64 is the float sum
      } else {
        for (let i = 0; i < inner; i++) acc += xd[xo + i] * wd[wo + i];
      }
      y[r * units + o] = activate(acc, activation);
    }
  }
  return [y];
};
