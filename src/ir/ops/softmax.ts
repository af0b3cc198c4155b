// Softmax (and LogSoftmax) along one axis: exp(beta·(x - max)) / sum (ONNX opset ≥ 13 semantics: a single axis, default last).
import type { OpDef } from './op-def.ts';
import { normalizeAxis, requireInput, sameShape } from './op-def.ts';

export const softmax: OpDef<'Softmax'> = {
  op: 'Softmax',
  inputs: { min: 1, max: 1 },
  inPlace: false,
  perElement: false,
  fusedActivation: false,
  weightChannelAxis: null,
  int8Output: 'fixed',
  defaults: { axis: -1, beta: 1 },
  validate(inputs, a) {
    const problems = requireInput(inputs);
    if (problems.length) return problems;
    if (normalizeAxis(a.axis, inputs[0]!.shape.length) === undefined)
      problems.push(`axis ${a.axis} is out of range for rank ${inputs[0]!.shape.length}`);
    if (!Number.isFinite(a.beta) || a.beta <= 0) problems.push(`beta must be a positive number, got ${a.beta}`);
    return problems;
  },
  inferShapes: sameShape,
};

/** Float only: int8 keeps it in float between Dequantize and Quantize. */
export const logSoftmax: OpDef<'LogSoftmax'> = {
  op: 'LogSoftmax',
  inputs: { min: 1, max: 1 },
  inPlace: false,
  perElement: false,
  fusedActivation: false,
  weightChannelAxis: null,
  int8Output: 'calibrated',
  defaults: { axis: -1 },
  validate(inputs, a) {
    const problems = requireInput(inputs);
    if (problems.length) return problems;
    if (normalizeAxis(a.axis, inputs[0]!.shape.length) === undefined)
      problems.push(`axis ${a.axis} is out of range for rank ${inputs[0]!.shape.length}`);
    return problems;
  },
  inferShapes: sameShape,
};
