// Mul: element-wise with numpy broadcasting, optional fused activation.
import type { OpDef } from './op-def.ts';
import { BINARY_WITH_ACTIVATION } from './binary-elementwise.ts';

export const mul: OpDef<'Mul'> = {
  op: 'Mul',
  ...BINARY_WITH_ACTIVATION,
};
