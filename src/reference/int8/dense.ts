// int8 Dense (TFLite FULLY_CONNECTED, per-channel weights), bit-exact with reference_integer_ops::FullyConnected.
//
// For batch b and output channel o (x: [B, in] int8, W: [out, in] int8 symmetric, bias: [out] int32):
//   acc   = Σ_i W[o,i] · (x[b,i] − zp_in)                      (int32; filter offset is 0: weights are symmetric)
//   acc  += bias[o]                                             (when present)
//   acc   = multiplyByQuantizedMultiplier(acc, M[o], shift[o])  (M, shift = quantizeMultiplier(s_in·s_w[o]/s_out))
//   acc  += zp_out;  y[b,o] = clamp(acc, act_min, act_max)      (activationRange(activation, s_out, zp_out))
// A higher-rank x is read as [size / in, in], like TFLite's FULLY_CONNECTED with keep_num_dims = false.

import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { multiplyByQuantizedMultiplier } from '../quant.ts';
import { biasData, int8Data, prepareWeightedLayer, requireInput, type WeightedLayerParams } from './common.ts';

export type DenseParams = WeightedLayerParams;

/** Compile-time constants of an int8 Dense node (codegen emits exactly these). */
export function prepareDense(node: Node<'Dense'>, x: Tensor, w: Tensor, y: Tensor): DenseParams {
  return prepareWeightedLayer(node, x, w, y, w.shape[0]);
}

export function denseInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const n = node as Node<'Dense'>;
  const xv = requireInput(n, inputs, 0);
  const wv = requireInput(n, inputs, 1);
  const x = int8Data(n, xv);
  const w = int8Data(n, wv);
  const bias = biasData(n, inputs[2]);
  const p = prepareDense(n, xv, wv, outputs[0]);
  const [outDepth, accumDepth] = wv.shape;
  const batches = x.length / accumDepth;
  const y = new Int8Array(batches * outDepth);
  for (let b = 0; b < batches; b++) {
    for (let o = 0; o < outDepth; o++) {
      let acc = 0;
      for (let i = 0; i < accumDepth; i++) {
        acc += w[o * accumDepth + i] * (x[b * accumDepth + i] + p.inputOffset);
      }
      if (bias) acc += bias[o];
      acc = multiplyByQuantizedMultiplier(acc | 0, p.multiplier[o], p.shift[o]);
      acc += p.outputOffset;
      y[b * outDepth + o] = Math.min(Math.max(acc, p.actMin), p.actMax);
    }
  }
  return [y];
}
