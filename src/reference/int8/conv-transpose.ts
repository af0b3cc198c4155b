// int8 ConvTranspose (TFLite TRANSPOSE_CONV per-channel, reference_integer_ops::TransposeConv): TFLite scatters
//   acc[n, iy·stride − pad_top + ky, ix·stride − pad_left + kx, o] += W[o,ky,kx,ic] · (x[n,iy,ix,ic] − zp_in)
// into an int32 buffer and then applies, per output, acc += bias[o]; MBQM(acc, M[o], shift[o]) + zp_out, clamped.
// Integer sums do not depend on their order, so this gathers each output's taps instead (as the C kernel does) and is
// bit-exact with TFLite. M[o], shift[o] = quantizeMultiplier(s_in · s_w[o] / s_out), as Conv2D.
import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { multiplyByQuantizedMultiplier } from '../quant.ts';
import { biasData, int8Data, nhwc, prepareWeightedLayer, requireInput } from './common.ts';
import type { ConvParams } from './conv2d.ts';

/** Compile-time constants of an int8 ConvTranspose node (codegen emits exactly these). */
export function prepareConvTranspose(node: Node<'ConvTranspose'>, x: Tensor, w: Tensor, y: Tensor): ConvParams {
  return prepareWeightedLayer(node, x, w, y, w.shape[0]);
}

export function convTransposeInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const n = node as Node<'ConvTranspose'>;
  const xv = requireInput(n, inputs, 0);
  const wv = requireInput(n, inputs, 1);
  const x = int8Data(n, xv);
  const w = int8Data(n, wv);
  const bias = biasData(n, inputs[2]);
  const p = prepareConvTranspose(n, xv, wv, outputs[0]);
  const [batches, inH, inW, inC] = nhwc(xv.shape);
  const [, outH, outW, outC] = nhwc(outputs[0].shape);
  const [, kH, kW] = wv.shape;
  const [strideH, strideW] = n.attrs.strides;
  const [padTop, padLeft] = n.attrs.pads;
  const y = new Int8Array(batches * outH * outW * outC);
  for (let b = 0; b < batches; b++)
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++)
        for (let o = 0; o < outC; o++) {
          let acc = 0;
          for (let ky = 0; ky < kH; ky++) {
            const ty = oy + padTop - ky;
            if (ty < 0 || ty % strideH !== 0 || ty / strideH >= inH) continue;
            for (let kx = 0; kx < kW; kx++) {
              const tx = ox + padLeft - kx;
              if (tx < 0 || tx % strideW !== 0 || tx / strideW >= inW) continue;
              const xBase = ((b * inH + ty / strideH) * inW + tx / strideW) * inC;
              const wBase = ((o * kH + ky) * kW + kx) * inC;
              for (let ic = 0; ic < inC; ic++) acc += w[wBase + ic] * (x[xBase + ic] + p.inputOffset);
            }
          }
          if (bias) acc += bias[o];
          acc = multiplyByQuantizedMultiplier(acc | 0, p.multiplier[o], p.shift[o]) + p.outputOffset;
          y[((b * outH + oy) * outW + ox) * outC + o] = Math.min(Math.max(acc, p.actMin), p.actMax);
        }
  return [y];
}
