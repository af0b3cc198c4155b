// int8 Add and Sub (TFLite ADD / SUB with broadcasting), bit-exact with reference_integer_ops::AddElementwise.
//
// Prepare (double precision, as TFLite add.cc / sub.cc for int8):
//   left_shift = 20; twice_max = 2 · max(s1, s2)
//   (M1, sh1) = quantizeMultiplier(s1 / twice_max);  (M2, sh2) = quantizeMultiplier(s2 / twice_max)
//   (Mo, sho) = quantizeMultiplier(twice_max / (2^20 · s_out));  all three shifts are ≤ 0
// Per element (x1, x2 broadcast NumPy-style to the output shape):
//   a1 = (x1 − zp1) << 20;  a2 = (x2 − zp2) << 20
//   r1 = multiplyByQuantizedMultiplier(a1, M1, sh1);  r2 = multiplyByQuantizedMultiplier(a2, M2, sh2)
//   raw = r1 + r2   (Sub: r1 − r2, as reference_ops::SubElementwise)
//   y = clamp(multiplyByQuantizedMultiplier(raw, Mo, sho) + zp_out, act_min, act_max)

import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { TinyforgeError } from '../../diagnostics.ts';
import { activationRange, multiplyByQuantizedMultiplier, quantizeMultiplier } from '../quant.ts';
import { broadcastOffsets, int8Data, quantOf, requireInput } from './common.ts';

export const ADD_LEFT_SHIFT = 20;

export interface AddParams {
  leftShift: number;
  input1Offset: number; // −zp1
  input2Offset: number; // −zp2
  outputOffset: number; // zp_out
  input1Multiplier: number;
  input1Shift: number;
  input2Multiplier: number;
  input2Shift: number;
  outputMultiplier: number;
  outputShift: number;
  actMin: number;
  actMax: number;
}

/** Compile-time constants of an int8 Add or Sub node. */
export function prepareAdd(node: Node<'Add' | 'Sub'>, a: Tensor, b: Tensor, y: Tensor): AddParams {
  const q1 = quantOf(a, node);
  const q2 = quantOf(b, node);
  const qo = quantOf(y, node);
  const twiceMax = 2 * Math.max(q1.scale, q2.scale);
  const m1 = quantizeMultiplier(q1.scale / twiceMax);
  const m2 = quantizeMultiplier(q2.scale / twiceMax);
  const mo = quantizeMultiplier(twiceMax / (2 ** ADD_LEFT_SHIFT * qo.scale));
  if (m1.shift > 0 || m2.shift > 0 || mo.shift > 0) {
    throw new TinyforgeError(
      'bad-quant',
      `node "${node.name}" (${node.op}): output scale ${qo.scale} is too small for input scales ${q1.scale}, ${q2.scale}`,
      {
        location: { node: node.name, op: node.op },
      },
    );
  }
  const [actMin, actMax] = activationRange(node.attrs.activation, qo.scale, qo.zeroPoint);
  return {
    leftShift: ADD_LEFT_SHIFT,
    input1Offset: -q1.zeroPoint,
    input2Offset: -q2.zeroPoint,
    outputOffset: qo.zeroPoint,
    input1Multiplier: m1.multiplier,
    input1Shift: m1.shift,
    input2Multiplier: m2.multiplier,
    input2Shift: m2.shift,
    outputMultiplier: mo.multiplier,
    outputShift: mo.shift,
    actMin,
    actMax,
  };
}

function addOrSub(node: Node, inputs: (Value | undefined)[], outputs: Tensor[], sign: 1 | -1): TensorData[] {
  const n = node as Node<'Add' | 'Sub'>;
  const av = requireInput(n, inputs, 0);
  const bv = requireInput(n, inputs, 1);
  const a = int8Data(n, av);
  const b = int8Data(n, bv);
  const p = prepareAdd(n, av, bv, outputs[0]);
  const outShape = outputs[0].shape;
  const offA = broadcastOffsets(av.shape, outShape);
  const offB = broadcastOffsets(bv.shape, outShape);
  const y = new Int8Array(offA.length);
  const scale = 2 ** p.leftShift;
  for (let i = 0; i < y.length; i++) {
    const shifted1 = (a[offA[i]] + p.input1Offset) * scale; // |·| < 2^28: no overflow
    const shifted2 = (b[offB[i]] + p.input2Offset) * scale;
    const scaled1 = multiplyByQuantizedMultiplier(shifted1, p.input1Multiplier, p.input1Shift);
    const scaled2 = multiplyByQuantizedMultiplier(shifted2, p.input2Multiplier, p.input2Shift);
    const raw = sign === 1 ? scaled1 + scaled2 : scaled1 - scaled2;
    const out = multiplyByQuantizedMultiplier(raw, p.outputMultiplier, p.outputShift) + p.outputOffset;
    y[i] = Math.min(Math.max(out, p.actMin), p.actMax);
  }
  return [y];
}

export function addInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  return addOrSub(node, inputs, outputs, 1);
}

export function subInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  return addOrSub(node, inputs, outputs, -1);
}
