// DepthwiseConv2D reference (TFLite layout [1,KH,KW,C*mult]): output channel c*mult+m reads input channel c only.
import type { Kernel } from '../kernel.ts';
import { activate, attrsOf, floats } from './support.ts';

export const depthwiseConv2d: Kernel = (node, [x, w, b], [out]) => {
  const { strides, dilations, pads, multiplier, activation } = attrsOf(node, 'DepthwiseConv2D');
  const xd = floats(x, 'input');
  const wd = floats(w, 'weights');
  const bd = b ? floats(b, 'bias') : undefined;
  const [n, h, wid, c] = x!.shape;
  const [, kh, kw, oc] = w!.shape;
  const [, oh, ow] = out.shape;
  const y = new Float32Array(n * oh * ow * oc);
  for (let b0 = 0; b0 < n; b0++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ch = 0; ch < oc; ch++) {
          const ic = Math.floor(ch / multiplier);
          let acc = bd ? bd[ch] : 0;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * strides[0] - pads[0] + ky * dilations[0];
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * strides[1] - pads[1] + kx * dilations[1];
              if (ix < 0 || ix >= wid) continue;
              acc += xd[((b0 * h + iy) * wid + ix) * c + ic] * wd[(ky * kw + kx) * oc + ch];
            }
          }
          y[((b0 * oh + oy) * ow + ox) * oc + ch] = activate(acc, activation);
        }
      }
    }
  }
  return [y];
};
