// int8 PRelu, bit-exact with TFLite's reference_ops::BroadcastPrelu4DSlow (TFLM PRELU int8): the slope (alpha) is an
// int8 constant with one scale and zero point and one value per channel (or per element, or one value).
//
// Prepare: (M1, shift1) = quantizeMultiplier(s_in / s_out), (M2, shift2) = quantizeMultiplier(s_in · s_alpha / s_out).
// Per element, x' = x − zp_in:
//   x' ≥ 0:  y = MultiplyByQuantizedMultiplier(x', M1, shift1) + zp_out
//   x' < 0:  y = MultiplyByQuantizedMultiplier(x' · (alpha[j] − zp_alpha), M2, shift2) + zp_out
// clamped to [−128, 127]; j = floor(i / inner) mod count (slopeLayout).
import type { Node, Tensor, TensorData } from '../../ir/graph.ts';
import { slopeLayout } from '../../ir/ops/prelu.ts';
import type { Value } from '../kernel.ts';
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from '../quant.ts';
import { int8Data, quantOf, requireInput } from './common.ts';

export interface PreluParams {
  inputZeroPoint: number;
  alphaZeroPoint: number;
  outputZeroPoint: number;
  positiveMultiplier: number;
  positiveShift: number;
  negativeMultiplier: number;
  negativeShift: number;
  /** Slope index of element i: floor(i / inner) mod count. */
  count: number;
  inner: number;
}

export function preparePrelu(node: Node, x: Tensor, alpha: Tensor, y: Tensor): PreluParams {
  const [qin, qa, qout] = [quantOf(x, node), quantOf(alpha, node), quantOf(y, node)];
  const pos = quantizeMultiplier(qin.scale / qout.scale);
  const neg = quantizeMultiplier((qin.scale * qa.scale) / qout.scale);
  const layout = slopeLayout(x.shape, alpha.shape)!;
  return {
    inputZeroPoint: qin.zeroPoint,
    alphaZeroPoint: qa.zeroPoint,
    outputZeroPoint: qout.zeroPoint,
    positiveMultiplier: pos.multiplier,
    positiveShift: pos.shift,
    negativeMultiplier: neg.multiplier,
    negativeShift: neg.shift,
    ...layout,
  };
}

export function preluInt8(node: Node, inputs: (Value | undefined)[], outputs: Tensor[]): TensorData[] {
  const xv = requireInput(node, inputs, 0);
  const av = requireInput(node, inputs, 1);
  const [x, alpha] = [int8Data(node, xv), int8Data(node, av)];
  const p = preparePrelu(node, xv, av, outputs[0]);
  const y = new Int8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i] - p.inputZeroPoint;
    const a = alpha[Math.floor(i / p.inner) % p.count] - p.alphaZeroPoint;
    const r =
      v >= 0
        ? multiplyByQuantizedMultiplier(v, p.positiveMultiplier, p.positiveShift)
        : multiplyByQuantizedMultiplier(v * a, p.negativeMultiplier, p.negativeShift);
    y[i] = Math.min(127, Math.max(-128, r + p.outputZeroPoint));
  }
  return [y];
}
