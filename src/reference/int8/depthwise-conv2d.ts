// int8 DepthwiseConv2D (TFLite DEPTHWISE_CONV_2D per-channel), bit-exact with reference_integer_ops::DepthwiseConvPerChannel.
//
// x: [N,H,W,C] int8, W: [1,KH,KW,C·mult] int8 symmetric per output channel, bias: [C·mult] int32.
// For each n, oy, ox, input channel ic, m < mult, with output channel o = ic·mult + m:
//   acc = Σ_{ky,kx inside the image} W[0,ky,kx,o] · (x[n, iy, ix, ic] − zp_in)
//         with iy = oy·stride_h − pad_top + ky·dil_h, ix = ox·stride_w − pad_left + kx·dil_w;
//   acc += bias[o]; acc = multiplyByQuantizedMultiplier(acc, M[o], shift[o]) + zp_out; clamp(act_min, act_max).

import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { multiplyByQuantizedMultiplier } from '../quant.ts';
import { biasData, int8Data, nhwc, requireInput } from './common.ts';
import { prepareConv } from './conv2d.ts';

export function depthwiseConv2dInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const n = node as Node<'DepthwiseConv2D'>;
  const xv = requireInput(n, inputs, 0);
  const wv = requireInput(n, inputs, 1);
  const x = int8Data(n, xv);
  const w = int8Data(n, wv);
  const bias = biasData(n, inputs[2]);
  const p = prepareConv(n, xv, wv, outputs[0]);
  const [batches, inH, inW, inC] = nhwc(xv.shape);
  const [, outH, outW, outC] = nhwc(outputs[0].shape);
  const [, kH, kW] = wv.shape;
  const mult = n.attrs.multiplier;
  const [strideH, strideW] = n.attrs.strides;
  const [dilH, dilW] = n.attrs.dilations;
  const [padTop, padLeft] = n.attrs.pads;
  const y = new Int8Array(batches * outH * outW * outC);
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const inYOrigin = oy * strideH - padTop;
      for (let ox = 0; ox < outW; ox++) {
        const inXOrigin = ox * strideW - padLeft;
        for (let ic = 0; ic < inC; ic++) {
          for (let m = 0; m < mult; m++) {
            const o = ic * mult + m;
            let acc = 0;
            for (let ky = 0; ky < kH; ky++) {
              const iy = inYOrigin + dilH * ky;
              if (iy < 0 || iy >= inH) continue;
              for (let kx = 0; kx < kW; kx++) {
                const ix = inXOrigin + dilW * kx;
                if (ix < 0 || ix >= inW) continue;
                acc += w[(ky * kW + kx) * outC + o] * (x[((b * inH + iy) * inW + ix) * inC + ic] + p.inputOffset);
              }
            }
            if (bias) acc += bias[o];
            acc = multiplyByQuantizedMultiplier(acc | 0, p.multiplier[o], p.shift[o]);
            acc += p.outputOffset;
            y[((b * outH + oy) * outW + ox) * outC + o] = Math.min(Math.max(acc, p.actMin), p.actMax);
          }
        }
      }
    }
  }
  return [y];
}
