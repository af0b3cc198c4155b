// Mul: element-wise with numpy broadcasting, optional fused activation.
import type { OpDef } from './op-def.ts';
import { requireActivation } from './op-def.ts';
import { inferBinary, validateBinary } from './binary-elementwise.ts';

export const mul: OpDef<'Mul'> = {
  op: 'Mul',
  inputs: { min: 2, max: 2 },
  inPlace: true,
  perElement: false,
  fusedActivation: true,
  weightChannelAxis: null,
  int8Output: 'free',
  defaults: { activation: 'none' },
  validate: (inputs, a) => [...requireActivation(a.activation), ...validateBinary(inputs)],
  inferShapes: inferBinary,
};
