// Tanh: element-wise tanh(x); output shape = input shape.
import type { OpDef } from './op-def.ts';
import { requireInput, sameShape } from './op-def.ts';

export const tanh: OpDef<'Tanh'> = {
  op: 'Tanh',
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
