// int8 Min / Max with numpy broadcasting. TFLite MINIMUM / MAXIMUM compare int8 values that share one quantization;
// here each input is first requantized to the output's (a copy when it already has it, as TFLite's case is), then
// the smaller / larger value is taken. Requantization is monotonic, so this is min / max of the dequantized values,
// each rounded once:
//   y = pick(rq_a(a), rq_b(b)),  rq(x) = clamp(multiplyByQuantizedMultiplier(x − zp_in, M, shift) + zp_out, −128, 127).
import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { broadcastOffsets, int8Data, quantOf, requireInput } from './common.ts';
import { prepareRequantize, requantizeValue, type RequantizeParams } from './quantize.ts';

export interface MinMaxParams {
  /** Requantization of each input to the output; null when the input already has the output's quantization. */
  a: RequantizeParams | null;
  b: RequantizeParams | null;
}

export function prepareMinMax(node: Node, a: Tensor, b: Tensor, y: Tensor): MinMaxParams {
  const qout = quantOf(y, node);
  const one = (t: Tensor) => {
    const qin = quantOf(t, node);
    return qin.scale === qout.scale && qin.zeroPoint === qout.zeroPoint ? null : prepareRequantize(qin, qout);
  };
  return { a: one(a), b: one(b) };
}

export function minMaxInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const av = requireInput(node, inputs, 0);
  const bv = requireInput(node, inputs, 1);
  const [a, b] = [int8Data(node, av), int8Data(node, bv)];
  const p = prepareMinMax(node, av, bv, outputs[0]);
  const outShape = outputs[0].shape;
  const offA = broadcastOffsets(av.shape, outShape);
  const offB = broadcastOffsets(bv.shape, outShape);
  const isMax = node.op === 'Max';
  const y = new Int8Array(offA.length);
  for (let i = 0; i < y.length; i++) {
    const x1 = p.a ? requantizeValue(a[offA[i]], p.a) : a[offA[i]];
    const x2 = p.b ? requantizeValue(b[offB[i]], p.b) : b[offB[i]];
    y[i] = isMax ? (x2 > x1 ? x2 : x1) : x2 < x1 ? x2 : x1;
  }
  return [y];
}
