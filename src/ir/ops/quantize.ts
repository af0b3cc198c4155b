// Quantize: f32 → i8 (or i8 → i8 requantize) with the output tensor's quant params; shape unchanged.
import type { OpDef } from './op-def.ts';
import { requireInput, sameShape } from './op-def.ts';

export const quantize: OpDef<'Quantize'> = {
  op: 'Quantize',
  inputs: { min: 1, max: 1 },
  inPlace: true,
  perElement: false,
  fusedActivation: false,
  weightChannelAxis: null,
  int8Output: 'calibrated',
  defaults: {},
  validate(inputs) {
    const problems = requireInput(inputs);
    if (inputs[0] && inputs[0].dtype !== 'f32' && inputs[0].dtype !== 'i8')
      problems.push(`input must be f32 or i8, got ${inputs[0].dtype}`);
    return problems;
  },
  inferShapes: sameShape,
  outputDtype: () => 'i8',
};
