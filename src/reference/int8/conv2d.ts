// int8 Conv2D (TFLite CONV_2D per-channel, grouped allowed), bit-exact with reference_integer_ops::ConvPerChannel.
//
// x: [N,H,W,C] int8, W: [O,KH,KW,C/groups] int8 symmetric per output channel, bias: [O] int32.
// For each n, oy, ox, o (group g = o / (O/groups)):
//   acc = Σ_{ky,kx inside the image} Σ_ic W[o,ky,kx,ic] · (x[n, iy, ix, g·C/groups + ic] − zp_in)
//         with iy = oy·stride_h − pad_top + ky·dil_h, ix = ox·stride_w − pad_left + kx·dil_w
//         (taps outside the image are skipped, i.e. padding contributes real 0 = zp_in);
//   acc += bias[o]; acc = multiplyByQuantizedMultiplier(acc, M[o], shift[o]) + zp_out; clamp(act_min, act_max).
// M[o], shift[o] = quantizeMultiplier(s_in · s_w[o] / s_out) (channelMultipliers).

import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { multiplyByQuantizedMultiplier } from '../quant.ts';
import { biasData, int8Data, nhwc, prepareWeightedLayer, requireInput, type WeightedLayerParams } from './common.ts';

/** Compile-time constants of an int8 Conv2D, DepthwiseConv2D or ConvTranspose node. */
export type ConvParams = WeightedLayerParams;

/** Compile-time constants of an int8 Conv2D or DepthwiseConv2D node (codegen emits exactly these). */
export function prepareConv(node: Node<'Conv2D' | 'DepthwiseConv2D'>, x: Tensor, w: Tensor, y: Tensor): ConvParams {
  return prepareWeightedLayer(node, x, w, y, node.op === 'Conv2D' ? w.shape[0] : w.shape[3]);
}

export function conv2dInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const n = node as Node<'Conv2D'>;
  const xv = requireInput(n, inputs, 0);
  const wv = requireInput(n, inputs, 1);
  const x = int8Data(n, xv);
  const w = int8Data(n, wv);
  const bias = biasData(n, inputs[2]);
  const p = prepareConv(n, xv, wv, outputs[0]);
  const [batches, inH, inW, inC] = nhwc(xv.shape);
  const [, outH, outW, outC] = nhwc(outputs[0].shape);
  const [, kH, kW, filterC] = wv.shape;
  const [strideH, strideW] = n.attrs.strides;
  const [dilH, dilW] = n.attrs.dilations;
  const [padTop, padLeft] = n.attrs.pads;
  const filtersPerGroup = outC / n.attrs.groups;
  const y = new Int8Array(batches * outH * outW * outC);
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const inYOrigin = oy * strideH - padTop;
      for (let ox = 0; ox < outW; ox++) {
        const inXOrigin = ox * strideW - padLeft;
        for (let o = 0; o < outC; o++) {
          const group = Math.floor(o / filtersPerGroup);
          let acc = 0;
          for (let ky = 0; ky < kH; ky++) {
            const iy = inYOrigin + dilH * ky;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < kW; kx++) {
              const ix = inXOrigin + dilW * kx;
              if (ix < 0 || ix >= inW) continue;
              const xBase = ((b * inH + iy) * inW + ix) * inC + group * filterC;
              const wBase = ((o * kH + ky) * kW + kx) * filterC;
              for (let ic = 0; ic < filterC; ic++) {
                acc += w[wBase + ic] * (x[xBase + ic] + p.inputOffset);
              }
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
  return [y];
}
