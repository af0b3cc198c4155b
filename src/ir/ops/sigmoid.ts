// Sigmoid: element-wise 1 / (1 + exp(-x)); output shape = input shape.
import type { OpDef } from './op-def.ts';
import { requireInput, sameShape } from './op-def.ts';

export const sigmoid: OpDef<'Sigmoid'> = {
  op: 'Sigmoid',
  inputs: { min: 1, max: 1 },
  inPlace: true,
  perElement: true,
  fusedActivation: false,
  weightChannelAxis: null,
  int8Output: 'calibrated',
  defaults: {},
  validate: requireInput,
  inferShapes: sameShape,
};
