// int8 Mul (TFLite MUL with broadcasting), bit-exact with reference_integer_ops::MulElementwise.
//
// Prepare: (M, shift) = quantizeMultiplier(double(s1) · double(s2) / double(s_out)).
// Per element (x1, x2 broadcast NumPy-style to the output shape):
//   p = (x1 − zp1) · (x2 − zp2)                                   (int32, |p| ≤ 255²)
//   y = clamp(zp_out + multiplyByQuantizedMultiplier(p, M, shift), act_min, act_max)

import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { activationRange, multiplyByQuantizedMultiplier, quantizeMultiplier } from '../quant.ts';
import { broadcastOffsets, int8Data, quantOf, requireInput } from './common.ts';

export interface MulParams {
  input1Offset: number; // −zp1
  input2Offset: number; // −zp2
  outputOffset: number; // zp_out
  outputMultiplier: number;
  outputShift: number;
  actMin: number;
  actMax: number;
}

export function prepareMul(node: Node<'Mul'>, a: Tensor, b: Tensor, y: Tensor): MulParams {
  const q1 = quantOf(a, node);
  const q2 = quantOf(b, node);
  const qo = quantOf(y, node);
  const m = quantizeMultiplier((q1.scale * q2.scale) / qo.scale);
  const [actMin, actMax] = activationRange(node.attrs.activation, qo.scale, qo.zeroPoint);
  return {
    input1Offset: -q1.zeroPoint,
    input2Offset: -q2.zeroPoint,
    outputOffset: qo.zeroPoint,
    outputMultiplier: m.multiplier,
    outputShift: m.shift,
    actMin,
    actMax,
  };
}

export function mulInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const n = node as Node<'Mul'>;
  const av = requireInput(n, inputs, 0);
  const bv = requireInput(n, inputs, 1);
  const a = int8Data(n, av);
  const b = int8Data(n, bv);
  const p = prepareMul(n, av, bv, outputs[0]);
  const outShape = outputs[0].shape;
  const offA = broadcastOffsets(av.shape, outShape);
  const offB = broadcastOffsets(bv.shape, outShape);
  const y = new Int8Array(offA.length);
  for (let i = 0; i < y.length; i++) {
    const prod = (a[offA[i]] + p.input1Offset) * (b[offB[i]] + p.input2Offset);
    const out = p.outputOffset + multiplyByQuantizedMultiplier(prod, p.outputMultiplier, p.outputShift);
    y[i] = Math.min(Math.max(out, p.actMin), p.actMax);
  }
  return [y];
}
