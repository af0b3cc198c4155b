// Div: element-wise a / b with numpy broadcasting (float only; no fused activation).
import type { OpDef } from './op-def.ts';
import { inferBinary, validateBinary } from './binary-elementwise.ts';

export const div: OpDef<'Div'> = {
  op: 'Div',
  inputs: { min: 2, max: 2 },
  inPlace: true,
  perElement: false,
  fusedActivation: false,
  weightChannelAxis: null,
  int8Output: 'calibrated',
  defaults: {},
  validate: validateBinary,
  inferShapes: inferBinary,
};
