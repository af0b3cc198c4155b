// Add: element-wise with numpy broadcasting, optional fused activation.
import type { OpDef } from './op-def.ts';
import { BINARY_WITH_ACTIVATION } from './binary-elementwise.ts';

export const add: OpDef<'Add'> = {
  op: 'Add',
  ...BINARY_WITH_ACTIVATION,
};
