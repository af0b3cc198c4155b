// MaxPool over an NHWC window with explicit pads (padding never wins the max).
import type { OpDef } from './op-def.ts';
import { inferPool, validatePool } from './pool-window.ts';

export const maxPool: OpDef<'MaxPool'> = {
  op: 'MaxPool',
  inputs: { min: 1, max: 1 },
  inPlace: false,
  perElement: false,
  fusedActivation: true,
  weightChannelAxis: null,
  int8Output: 'input',
  defaults: { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], activation: 'none' },
  validate: validatePool,
  inferShapes: inferPool,
};
