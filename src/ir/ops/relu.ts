// Relu: element-wise max(x, 0); output shape = input shape.
import type { OpDef } from './op-def.ts';
import { requireInput, sameShape } from './op-def.ts';

export const relu: OpDef<'Relu'> = {
  op: 'Relu',
  inputs: { min: 1, max: 1 },
  inPlace: true,
  perElement: true,
  fusedActivation: false,
  weightChannelAxis: null,
  int8Output: 'free',
  defaults: {},
  validate: requireInput,
  inferShapes: sameShape,
};
