// ConvTranspose reference (NHWC, OHWI weights), written as a gather: output (oy, ox) sums the input pixels
// iy = (oy + pad_top − ky) / stride that divide exactly and lie inside the image, in the order ky, kx, ic the C kernel
// uses; float64 accumulation, bias first, then the fused activation.
import type { Kernel } from '../kernel.ts';
import { activate, attrsOf, floats } from './support.ts';

export const convTranspose: Kernel = (node, [x, w, b], [out]) => {
  const { strides, pads, activation } = attrsOf(node, 'ConvTranspose');
  const xd = floats(x, 'input');
  const wd = floats(w, 'weights');
  const bd = b ? floats(b, 'bias') : undefined;
  const [n, h, wid, c] = x!.shape;
  const [o, kh, kw] = w!.shape;
  const [, oh, ow] = out.shape;
  const y = new Float32Array(n * oh * ow * o);
  for (let b0 = 0; b0 < n; b0++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let oc = 0; oc < o; oc++) {
          let acc = bd ? bd[oc] : 0;
          for (let ky = 0; ky < kh; ky++) {
            const ty = oy + pads[0] - ky;
            if (ty < 0 || ty % strides[0] !== 0 || ty / strides[0] >= h) continue;
            const iy = ty / strides[0];
            for (let kx = 0; kx < kw; kx++) {
              const tx = ox + pads[1] - kx;
              if (tx < 0 || tx % strides[1] !== 0 || tx / strides[1] >= wid) continue;
              const xo = ((b0 * h + iy) * wid + tx / strides[1]) * c;
              const wo = ((oc * kh + ky) * kw + kx) * c;
              for (let i = 0; i < c; i++) acc += xd[xo + i] * wd[wo + i];
            }
          }
          y[((b0 * oh + oy) * ow + ox) * o + oc] = activate(acc, activation);
        }
  return [y];
};
