// LeakyRelu: x >= 0 ? x : alpha * x (ONNX default alpha 0.01).
import type { OpDef } from './op-def.ts';
import { requireInput, UNARY_ELEMENTWISE } from './op-def.ts';

export const leakyRelu: OpDef<'LeakyRelu'> = {
  op: 'LeakyRelu',
  ...UNARY_ELEMENTWISE,
  defaults: { alpha: 0.01 },
  validate(inputs, a) {
    const problems = requireInput(inputs);
    if (!Number.isFinite(a.alpha)) problems.push(`alpha must be a finite number, got ${a.alpha}`);
    return problems;
  },
};
