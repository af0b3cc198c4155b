// Tanh: element-wise tanh(x); output shape = input shape.
import type { OpDef } from './op-def.ts';
import { UNARY_ELEMENTWISE } from './op-def.ts';

export const tanh: OpDef<'Tanh'> = {
  op: 'Tanh',
  ...UNARY_ELEMENTWISE,
  defaults: {},
};
