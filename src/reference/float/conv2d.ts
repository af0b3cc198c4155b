// Conv2D reference (ONNX Conv semantics on NHWC/OHWI): groups, dilations, strides, explicit asymmetric pads; float64 accumulation.
// binarizeInput (XNOR layers): each in-bounds input is replaced by sign(x) ∈ {−1, +1} (padding still contributes 0) and
// the sum is rounded to float before the float bias add, as in dense.ts: what tfg_conv2d_f32_xnor computes bit for bit.
import type { Kernel } from '../kernel.ts';
import { activate, attrsOf, floats } from './support.ts';

export const conv2d: Kernel = (node, [x, w, b], [out]) => {
  const { strides, dilations, pads, groups, activation, binarizeInput } = attrsOf(node, 'Conv2D');
  const xd = floats(x, 'input');
  const wd = floats(w, 'weights');
  const bd = b ? floats(b, 'bias') : undefined;
  const [n, h, wid, c] = x!.shape;
  const [o, kh, kw, ipg] = w!.shape;
  const [, oh, ow] = out.shape;
  const opg = o / groups;
  const y = new Float32Array(n * oh * ow * o);
  for (let b0 = 0; b0 < n; b0++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * strides[0] - pads[0];
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * strides[1] - pads[1];
        const yo = ((b0 * oh + oy) * ow + ox) * o;
        for (let g = 0; g < groups; g++) {
          for (let oc = g * opg; oc < (g + 1) * opg; oc++) {
            let acc = bd && !binarizeInput ? bd[oc] : 0;
            for (let ky = 0; ky < kh; ky++) {
              const iy = y0 + ky * dilations[0];
              if (iy < 0 || iy >= h) continue; // padding contributes zeros
              for (let kx = 0; kx < kw; kx++) {
                const ix = x0 + kx * dilations[1];
                if (ix < 0 || ix >= wid) continue;
                const xo = ((b0 * h + iy) * wid + ix) * c + g * ipg;
                const wo = ((oc * kh + ky) * kw + kx) * ipg;
                if (binarizeInput) for (let i = 0; i < ipg; i++) acc += xd[xo + i] >= 0 ? wd[wo + i] : -wd[wo + i];
                else for (let i = 0; i < ipg; i++) acc += xd[xo + i] * wd[wo + i];
              }
            }
            if (binarizeInput) acc = Math.fround(acc) + (bd ? bd[oc] : 0);
            y[yo + oc] = activate(acc, activation);
          }
        }
      }
    }
  }
  return [y];
};
