// int8 Relu and Clip (TFLite RELU / RELU6 / ReluN1To1 generalised), bit-exact with TFLM ReluQuantized.
//
// Prepare: (M, shift) = quantizeMultiplier(s_in / s_out);
//   Relu:  act_min = max(−128, zp_out + round(float32(0 / s_out))), act_max = 127
//   Clip:  act_min = max(−128, zp_out + round(float32(min / s_out))), act_max = min(127, zp_out + round(float32(max / s_out)))
// Per element: y = clamp(zp_out + multiplyByQuantizedMultiplier(x − zp_in, M, shift), act_min, act_max)
// (with equal input/output quant, M·2^shift = 1 and the multiply is the identity).

import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { clipRange, multiplyByQuantizedMultiplier, quantizeMultiplier } from '../quant.ts';
import { int8Data, quantOf, requireInput } from './common.ts';

export interface ReluParams {
  inputZeroPoint: number;
  outputZeroPoint: number;
  multiplier: number;
  shift: number;
  actMin: number;
  actMax: number;
}

export function prepareRelu(node: Node<'Relu' | 'Clip'>, x: Tensor, y: Tensor): ReluParams {
  const qin = quantOf(x, node);
  const qout = quantOf(y, node);
  const m = quantizeMultiplier(qin.scale / qout.scale);
  const [lo, hi] = node.op === 'Clip' ? [node.attrs.min, node.attrs.max] : [0, Infinity];
  const [actMin, actMax] = clipRange(lo, hi, qout.scale, qout.zeroPoint);
  return { inputZeroPoint: qin.zeroPoint, outputZeroPoint: qout.zeroPoint, multiplier: m.multiplier, shift: m.shift, actMin, actMax };
}

export function reluInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const n = node as Node<'Relu' | 'Clip'>;
  const xv = requireInput(n, inputs, 0);
  const x = int8Data(n, xv);
  const p = prepareRelu(n, xv, outputs[0]);
  const y = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = p.outputZeroPoint + multiplyByQuantizedMultiplier(x[i] - p.inputZeroPoint, p.multiplier, p.shift);
    y[i] = Math.min(Math.max(v, p.actMin), p.actMax);
  }
  return [y];
}
