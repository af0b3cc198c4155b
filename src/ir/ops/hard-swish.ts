// HardSwish: element-wise x · relu6(x + 3) / 6 (MobileNetV3; ONNX HardSwish, TFLite HARD_SWISH); output shape = input shape.
import type { OpDef } from './op-def.ts';
import { UNARY_ELEMENTWISE } from './op-def.ts';

export const hardSwish: OpDef<'HardSwish'> = {
  op: 'HardSwish',
  ...UNARY_ELEMENTWISE,
  defaults: {},
};
