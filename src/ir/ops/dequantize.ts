// Dequantize: i8 → f32 with the input tensor's quant params; shape unchanged.
import type { OpDef } from './op-def.ts';
import { requireInput, sameShape } from './op-def.ts';

export const dequantize: OpDef<'Dequantize'> = {
  op: 'Dequantize',
  inputs: { min: 1, max: 1 },
  inPlace: false,
  perElement: false,
  fusedActivation: false,
  weightChannelAxis: null,
  int8Output: 'calibrated',
  defaults: {},
  validate(inputs) {
    const problems = requireInput(inputs);
    if (inputs[0] && inputs[0].dtype !== 'i8') problems.push(`input must be i8, got ${inputs[0].dtype}`);
    return problems;
  },
  inferShapes: sameShape,
  outputDtype: () => 'f32',
};
