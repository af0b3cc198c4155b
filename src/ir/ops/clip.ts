// Clip: element-wise clamp to [min, max] (ONNX Clip with constant bounds; relu6 = Clip(0, 6)).
import type { OpDef } from './op-def.ts';
import { requireInput, sameShape } from './op-def.ts';

export const clip: OpDef<'Clip'> = {
  op: 'Clip',
  inputs: { min: 1, max: 1 },
  inPlace: true,
  perElement: true,
  fusedActivation: false,
  weightChannelAxis: null,
  int8Output: 'free',
  defaults: { min: -Infinity, max: Infinity },
  validate(inputs, a) {
    const problems = requireInput(inputs);
    if (typeof a.min !== 'number' || typeof a.max !== 'number' || Number.isNaN(a.min) || Number.isNaN(a.max)) {
      problems.push(`min and max must be numbers, got ${a.min} and ${a.max}`);
    } else if (a.min > a.max) problems.push(`min ${a.min} is greater than max ${a.max}`);
    return problems;
  },
  inferShapes: sameShape,
};
