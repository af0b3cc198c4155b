// int8 Softmax over the last axis, bit-exact with TFLite/TFLM reference_ops::Softmax (int8 in, int8 out), which
// CMSIS-NN arm_softmax_s8 also reproduces. Output quantization is fixed: scale 1/256, zero point −128.
//
// Prepare (TFLite PreprocessSoftmaxScaling / CalculateInputRadius, kScaledDiffIntegerBits = 5):
//   real = min(double(beta) · double(s_in) · 2^(31−5), 2^31 − 1);  (M, leftShift) = quantizeMultiplier(real), leftShift ≥ 0
//   diffMin = −floor(31 · 2^26 / 2^leftShift)
// Per row (depth = last dimension, ≤ 511 so every shift below stays ≤ 31):
//   maxInRow = max x
//   sumOfExps (Q12) = Σ_{c: d ≥ diffMin} RDBPOT(expOnNegativeValues(SRDHM(d << leftShift, M), 5), 12),  d = x[c] − maxInRow
//   (scale, numBitsOverUnit) = getReciprocal(sumOfExps, 12)
//   y[c] = d ≥ diffMin ? clamp(RDBPOT(SRDHM(scale, expOnNegativeValues(SRDHM(d << leftShift, M), 5)),
//                                     numBitsOverUnit + 31 − 8) − 128, −128, 127)
//                      : −128
// expOnNegativeValues, getReciprocal: see fixed-point.ts; SRDHM, RDBPOT: see quant.ts.

import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import type { Value } from '../kernel.ts';
import { TinyforgeError } from '../../diagnostics.ts';
import {
  multiplyByQuantizedMultiplierGreaterThanOne,
  quantizeMultiplier,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul,
} from '../quant.ts';
import { int8Data, quantOf, requireInput } from './common.ts';
import { expOnNegativeValues, getReciprocal } from './fixed-point.ts';

export const SCALED_DIFF_INTEGER_BITS = 5;
export const ACCUMULATION_INTEGER_BITS = 12;
export const SOFTMAX_OUTPUT_SCALE = 1 / 256;
export const SOFTMAX_OUTPUT_ZERO_POINT = -128;
export const SOFTMAX_MAX_DEPTH = 511;

export interface SoftmaxParams {
  inputMultiplier: number;
  inputLeftShift: number;
  diffMin: number;
}

export function prepareSoftmax(node: Node<'Softmax'>, x: Tensor, y: Tensor): SoftmaxParams {
  const qin = quantOf(x, node);
  const qout = quantOf(y, node);
  const where = { location: { node: node.name, op: node.op } };
  if (qout.scale !== SOFTMAX_OUTPUT_SCALE || qout.zeroPoint !== SOFTMAX_OUTPUT_ZERO_POINT) {
    throw new TinyforgeError(
      'bad-quant',
      `node "${node.name}" (Softmax): int8 output must have scale 1/256 and zero point −128 (has ${qout.scale}, ${qout.zeroPoint})`,
      where,
    );
  }
  const rank = x.shape.length;
  const axis = node.attrs.axis < 0 ? node.attrs.axis + rank : node.attrs.axis;
  if (axis !== rank - 1) {
    throw new TinyforgeError(
      'unsupported-op',
      `node "${node.name}" (Softmax): int8 softmax works on the last axis only (axis ${node.attrs.axis})`,
      where,
    );
  }
  if (x.shape[rank - 1] > SOFTMAX_MAX_DEPTH) {
    throw new TinyforgeError(
      'unsupported-op',
      `node "${node.name}" (Softmax): int8 softmax supports at most ${SOFTMAX_MAX_DEPTH} classes, has ${x.shape[rank - 1]}`,
      where,
    );
  }
  const real = Math.min(Math.fround(node.attrs.beta) * qin.scale * 2 ** (31 - SCALED_DIFF_INTEGER_BITS), 2 ** 31 - 1);
  const m = quantizeMultiplier(real);
  if (m.shift < 0) {
    throw new TinyforgeError('bad-quant', `node "${node.name}" (Softmax): input scale ${qin.scale} is too small for int8 softmax`, where);
  }
  const radius = Math.floor((((1 << SCALED_DIFF_INTEGER_BITS) - 1) * 2 ** (31 - SCALED_DIFF_INTEGER_BITS)) / 2 ** m.shift);
  return { inputMultiplier: m.multiplier, inputLeftShift: m.shift, diffMin: -radius };
}

export function softmaxInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const n = node as Node<'Softmax'>;
  const xv = requireInput(n, inputs, 0);
  const x = int8Data(n, xv);
  const p = prepareSoftmax(n, xv, outputs[0]);
  const depth = xv.shape[xv.shape.length - 1];
  const rows = x.length / depth;
  const y = new Int8Array(x.length);
  const expOf = (diff: number) =>
    expOnNegativeValues(multiplyByQuantizedMultiplierGreaterThanOne(diff, p.inputMultiplier, p.inputLeftShift), SCALED_DIFF_INTEGER_BITS);
  for (let r = 0; r < rows; r++) {
    const base = r * depth;
    let maxInRow = -128;
    for (let c = 0; c < depth; c++) maxInRow = Math.max(maxInRow, x[base + c]);
    let sumOfExps = 0;
    for (let c = 0; c < depth; c++) {
      const diff = x[base + c] - maxInRow;
      if (diff >= p.diffMin) sumOfExps += roundingDivideByPOT(expOf(diff), ACCUMULATION_INTEGER_BITS);
    }
    const { scale, numBitsOverUnit } = getReciprocal(sumOfExps, ACCUMULATION_INTEGER_BITS);
    for (let c = 0; c < depth; c++) {
      const diff = x[base + c] - maxInRow;
      if (diff >= p.diffMin) {
        const unsat = roundingDivideByPOT(saturatingRoundingDoublingHighMul(scale, expOf(diff)), numBitsOverUnit + 31 - 8);
        y[base + c] = Math.min(Math.max(unsat - 128, -128), 127);
      } else {
        y[base + c] = -128;
      }
    }
  }
  return [y];
}
