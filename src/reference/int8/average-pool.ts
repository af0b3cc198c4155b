// int8 AveragePool (TFLite AVERAGE_POOL_2D), bit-exact with reference_integer_ops::AveragePool.
//
// Input and output share scale and zero point, so the int8 values are averaged directly:
//   taps = window positions inside the image (iy = oy·stride_h − pad_top + ky, ix likewise), count = #taps;
//   acc  = Σ_taps x (int32);
//   countIncludePad (ONNX only; TFLite never counts padding): count = window positions inside the *padded* input
//     [−pad_top, H + pad_bottom) × [−pad_left, W + pad_right), and each padded position adds zp (real 0) to acc;
//   acc  = acc > 0 ? (acc + count/2) / count : (acc − count/2) / count   (C int division, truncating; count/2 too)
//   y    = clamp(acc, act_min, act_max).

import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { activationRange } from '../quant.ts';
import { int8Data, nhwc, quantOf, requireInput, requireSameQuant } from './common.ts';

/** TFLite's rounded int division of a signed sum by a positive count: half away from zero. */
export function roundedAverage(acc: number, count: number): number {
  const half = Math.trunc(count / 2);
  return acc > 0 ? Math.trunc((acc + half) / count) : Math.trunc((acc - half) / count);
}

export function averagePoolInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const n = node as Node<'AveragePool'>;
  const xv = requireInput(n, inputs, 0);
  const x = int8Data(n, xv);
  const qin = quantOf(xv, n);
  const qout = quantOf(outputs[0], n);
  requireSameQuant(n, qin, qout);
  const [actMin, actMax] = activationRange(n.attrs.activation, qout.scale, qout.zeroPoint);
  const [batches, inH, inW, depth] = nhwc(xv.shape);
  const [, outH, outW] = nhwc(outputs[0].shape);
  const [kH, kW] = n.attrs.kernel;
  const [strideH, strideW] = n.attrs.strides;
  const [padTop, padLeft, padBottom, padRight] = n.attrs.pads;
  const includePad = n.attrs.countIncludePad;
  const y = new Int8Array(batches * outH * outW * depth);
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const inYOrigin = oy * strideH - padTop;
        const inXOrigin = ox * strideW - padLeft;
        // Taps inside the image, and (countIncludePad) inside the padded input.
        const kyStart = Math.max(0, -inYOrigin);
        const kyEnd = Math.min(kH, inH - inYOrigin);
        const kxStart = Math.max(0, -inXOrigin);
        const kxEnd = Math.min(kW, inW - inXOrigin);
        const padCount = includePad
          ? (Math.min(kH, inH + padBottom - inYOrigin) - Math.max(0, -padTop - inYOrigin)) *
            (Math.min(kW, inW + padRight - inXOrigin) - Math.max(0, -padLeft - inXOrigin))
          : 0;
        const imageCount = Math.max(0, kyEnd - kyStart) * Math.max(0, kxEnd - kxStart);
        const count = includePad ? padCount : imageCount;
        for (let c = 0; c < depth; c++) {
          let acc = 0;
          for (let ky = kyStart; ky < kyEnd; ky++) {
            for (let kx = kxStart; kx < kxEnd; kx++) {
              acc += x[((b * inH + inYOrigin + ky) * inW + inXOrigin + kx) * depth + c];
            }
          }
          if (includePad) acc += (padCount - imageCount) * qin.zeroPoint;
          const avg = count > 0 ? roundedAverage(acc, count) : qout.zeroPoint;
          y[((b * outH + oy) * outW + ox) * depth + c] = Math.min(Math.max(avg, actMin), actMax);
        }
      }
    }
  }
  return [y];
}
