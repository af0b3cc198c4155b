// Relu: element-wise max(x, 0); output shape = input shape.
import type { OpDef } from './op-def.ts';
import { UNARY_ELEMENTWISE } from './op-def.ts';

export const relu: OpDef<'Relu'> = {
  op: 'Relu',
  ...UNARY_ELEMENTWISE,
  int8Output: 'free',
  defaults: {},
};
