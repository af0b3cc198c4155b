// HardSwish: element-wise x · relu6(x + 3) / 6 (MobileNetV3; ONNX HardSwish, TFLite HARD_SWISH); output shape = input shape.
import type { OpDef } from './op-def.ts';
import { requireInput, sameShape } from './op-def.ts';

export const hardSwish: OpDef<'HardSwish'> = {
  op: 'HardSwish',
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
