// int8 GlobalAveragePool as TFLite MEAN over H and W, bit-exact with reference_integer_ops::Mean.
//
// Input and output may have different quantization. With count = H·W and (M, shift) = quantizeMultiplier(s_in/s_out):
//   acc = Σ_{h,w} (x[n,h,w,c] − zp_in)                                (int32)
//   acc = multiplyByQuantizedMultiplier(acc, M, shift)
//   acc = acc > 0 ? (acc + count/2) / count : (acc − count/2) / count  (C int division, truncating)
//   y[n,0,0,c] = clamp(acc + zp_out, −128, 127)
// (Chosen over "average pool with a full kernel" because it lets the output take its own calibrated scale.)

import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { multiplyByQuantizedMultiplier, quantizeMultiplier, type QuantizedMultiplier } from '../quant.ts';
import { int8Data, nhwc, quantOf, requireInput } from './common.ts';
import { roundedAverage } from './average-pool.ts';

export interface MeanParams extends QuantizedMultiplier {
  inputZeroPoint: number;
  outputZeroPoint: number;
}

export function prepareGlobalAveragePool(node: Node, x: Tensor, y: Tensor): MeanParams {
  const qin = quantOf(x, node);
  const qout = quantOf(y, node);
  return { ...quantizeMultiplier(qin.scale / qout.scale), inputZeroPoint: qin.zeroPoint, outputZeroPoint: qout.zeroPoint };
}

export function globalAveragePoolInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const xv = requireInput(node, inputs, 0);
  const x = int8Data(node, xv);
  const p = prepareGlobalAveragePool(node, xv, outputs[0]);
  const [batches, inH, inW, depth] = nhwc(xv.shape);
  const count = inH * inW;
  const y = new Int8Array(batches * depth);
  for (let b = 0; b < batches; b++) {
    for (let c = 0; c < depth; c++) {
      let acc = 0;
      for (let h = 0; h < inH; h++) {
        for (let w = 0; w < inW; w++) {
          acc += x[((b * inH + h) * inW + w) * depth + c] - p.inputZeroPoint;
        }
      }
      acc = multiplyByQuantizedMultiplier(acc, p.multiplier, p.shift);
      acc = roundedAverage(acc, count);
      acc += p.outputZeroPoint;
      y[b * depth + c] = Math.min(Math.max(acc, -128), 127);
    }
  }
  return [y];
}
