// Log: element-wise natural logarithm (NaN below 0, −∞ at 0, as ONNX); output shape = input shape.
import type { OpDef } from './op-def.ts';
import { UNARY_ELEMENTWISE } from './op-def.ts';

export const log: OpDef<'Log'> = {
  op: 'Log',
  ...UNARY_ELEMENTWISE,
  defaults: {},
};
