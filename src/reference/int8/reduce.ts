// int8 ReduceMean / ReduceSum / ReduceMax, with TFLite MEAN's arithmetic (reference_integer_ops::Mean).
//
// Mean and Sum may change quantization. With count = the number of inputs per output and
// (M, shift) = quantizeMultiplier(s_in / s_out):
//   acc = Σ (x − zp_in)                                                   (int32, inputs in row-major order)
//   acc = multiplyByQuantizedMultiplier(acc, M, shift)
//   Mean only: acc = acc > 0 ? (acc + count/2) / count : (acc − count/2) / count  (C int division, truncating)
//   y = clamp(acc + zp_out, −128, 127)
// Max keeps the input's quantization (int8Output 'input'), so y = max(x) over the reduced elements.
// Over the H and W axes of an NHWC tensor, Mean is exactly GlobalAveragePool's int8 arithmetic (and codegen emits
// that kernel for it).

import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import { reducedShape } from '../../ir/ops/reduce.ts';
import type { Value } from '../kernel.ts';
import { reduceTargets } from '../float/reduce.ts';
import { multiplyByQuantizedMultiplier, quantizeMultiplier, type QuantizedMultiplier } from '../quant.ts';
import { roundedAverage } from './average-pool.ts';
import { int8Data, quantOf, requireInput, requireSameQuant } from './common.ts';

export interface ReduceParams extends QuantizedMultiplier {
  inputZeroPoint: number;
  outputZeroPoint: number;
}

export function prepareReduce(node: Node, x: Tensor, y: Tensor): ReduceParams {
  const qin = quantOf(x, node);
  const qout = quantOf(y, node);
  if (node.op === 'ReduceMax') requireSameQuant(node, qin, qout);
  return { ...quantizeMultiplier(qin.scale / qout.scale), inputZeroPoint: qin.zeroPoint, outputZeroPoint: qout.zeroPoint };
}

export function reduceInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const n = node as Node<'ReduceMean' | 'ReduceSum' | 'ReduceMax'>;
  const xv = requireInput(n, inputs, 0);
  const x = int8Data(n, xv);
  const p = prepareReduce(n, xv, outputs[0]);
  const target = reduceTargets(xv.shape, n.attrs.axes);
  const outCount = reducedShape(xv.shape, n.attrs.axes, true).reduce((a, d) => a * d, 1);
  const count = x.length / outCount;
  const acc = new Int32Array(outCount).fill(n.op === 'ReduceMax' ? -128 : 0);
  for (let i = 0; i < x.length; i++) {
    const o = target[i];
    if (n.op === 'ReduceMax') acc[o] = Math.max(acc[o], x[i]);
    else acc[o] += x[i] - p.inputZeroPoint;
  }
  if (n.op === 'ReduceMax') return [Int8Array.from(acc)];
  const y = new Int8Array(outCount);
  for (let o = 0; o < outCount; o++) {
    let v = multiplyByQuantizedMultiplier(acc[o], p.multiplier, p.shift);
    if (n.op === 'ReduceMean') v = roundedAverage(v, count);
    y[o] = Math.min(Math.max(v + p.outputZeroPoint, -128), 127);
  }
  return [y];
}
