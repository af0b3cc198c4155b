// int8 Quantize: f32 → i8 (TFLite AffineQuantize) and i8 → i8 requantize (TFLite Requantize), bit-exact.
//
// f32 → i8:  y = clamp(round(float32(x / s_out)) + zp_out, −128, 127)        (roundf: half away from zero)
// i8 → i8:   (M, shift) = quantizeMultiplier(double(s_in) / double(s_out));
//            y = clamp(multiplyByQuantizedMultiplier(x − zp_in, M, shift) + zp_out, −128, 127)
// The interpreter dispatches on the first input's dtype; this kernel accepts both, so it can serve as the float
// kernel of Quantize too.

import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { multiplyByQuantizedMultiplier, quantizeMultiplier, quantizeValue } from '../quant.ts';
import { int8Data, quantOf, requireInput, type Quant1 } from './common.ts';

export interface RequantizeParams {
  multiplier: number;
  shift: number;
  inputZeroPoint: number;
  outputZeroPoint: number;
}

export function prepareRequantize(qin: Quant1, qout: Quant1): RequantizeParams {
  const m = quantizeMultiplier(qin.scale / qout.scale);
  return { multiplier: m.multiplier, shift: m.shift, inputZeroPoint: qin.zeroPoint, outputZeroPoint: qout.zeroPoint };
}

/** Requantizes one int8 value. */
export function requantizeValue(q: number, p: RequantizeParams): number {
  const v = multiplyByQuantizedMultiplier(q - p.inputZeroPoint, p.multiplier, p.shift) + p.outputZeroPoint;
  return Math.min(Math.max(v, -128), 127);
}

export function requantizeArray(x: Int8Array, p: RequantizeParams): Int8Array {
  const y = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = requantizeValue(x[i], p);
  return y;
}

export function quantizeInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const xv = requireInput(node, inputs, 0);
  const qout = quantOf(outputs[0], node);
  if (xv.data instanceof Float32Array) {
    const y = new Int8Array(xv.data.length);
    for (let i = 0; i < y.length; i++) y[i] = quantizeValue(xv.data[i], qout.scale, qout.zeroPoint);
    return [y];
  }
  return [requantizeArray(int8Data(node, xv), prepareRequantize(quantOf(xv, node), qout))];
}
