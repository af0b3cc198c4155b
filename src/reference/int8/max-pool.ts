// int8 MaxPool (TFLite MAX_POOL_2D), bit-exact with reference_integer_ops::MaxPool.
//
// Input and output share scale and zero point (TFLite requires it), so the max of the int8 values is the answer:
//   y[n,oy,ox,c] = clamp(max over the window taps inside the image of x[n,iy,ix,c], act_min, act_max)
//   iy = oy·stride_h − pad_top + ky, ix = ox·stride_w − pad_left + kx; padding never wins (it is skipped).

import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { activationRange } from '../quant.ts';
import { int8Data, nhwc, quantOf, requireInput, requireSameQuant } from './common.ts';

export function maxPoolInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const n = node as Node<'MaxPool'>;
  const xv = requireInput(n, inputs, 0);
  const x = int8Data(n, xv);
  const qout = quantOf(outputs[0], n);
  requireSameQuant(n, quantOf(xv, n), qout);
  const [actMin, actMax] = activationRange(n.attrs.activation, qout.scale, qout.zeroPoint);
  const [batches, inH, inW, depth] = nhwc(xv.shape);
  const [, outH, outW] = nhwc(outputs[0].shape);
  const [kH, kW] = n.attrs.kernel;
  const [strideH, strideW] = n.attrs.strides;
  const [padTop, padLeft] = n.attrs.pads;
  const y = new Int8Array(batches * outH * outW * depth);
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let c = 0; c < depth; c++) {
          const inYOrigin = oy * strideH - padTop;
          const inXOrigin = ox * strideW - padLeft;
          const kyStart = Math.max(0, -inYOrigin);
          const kyEnd = Math.min(kH, inH - inYOrigin);
          const kxStart = Math.max(0, -inXOrigin);
          const kxEnd = Math.min(kW, inW - inXOrigin);
          let max = -128;
          for (let ky = kyStart; ky < kyEnd; ky++) {
            for (let kx = kxStart; kx < kxEnd; kx++) {
              const v = x[((b * inH + inYOrigin + ky) * inW + inXOrigin + kx) * depth + c];
              if (v > max) max = v;
            }
          }
          y[((b * outH + oy) * outW + ox) * depth + c] = Math.min(Math.max(max, actMin), actMax);
        }
      }
    }
  }
  return [y];
}
