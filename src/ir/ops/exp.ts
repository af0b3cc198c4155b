// Exp: element-wise e^x; output shape = input shape.
import type { OpDef } from './op-def.ts';
import { UNARY_ELEMENTWISE } from './op-def.ts';

export const exp: OpDef<'Exp'> = {
  op: 'Exp',
  ...UNARY_ELEMENTWISE,
  defaults: {},
};
