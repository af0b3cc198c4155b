// Sigmoid: element-wise 1 / (1 + exp(-x)); output shape = input shape.
import type { OpDef } from './op-def.ts';
import { UNARY_ELEMENTWISE } from './op-def.ts';

export const sigmoid: OpDef<'Sigmoid'> = {
  op: 'Sigmoid',
  ...UNARY_ELEMENTWISE,
  defaults: {},
};
