// HardSigmoid: element-wise max(0, min(1, alpha · x + beta)) (ONNX defaults alpha 0.2, beta 0.5).
import type { OpDef } from './op-def.ts';
import { requireInput, UNARY_ELEMENTWISE } from './op-def.ts';

export const hardSigmoid: OpDef<'HardSigmoid'> = {
  op: 'HardSigmoid',
  ...UNARY_ELEMENTWISE,
  defaults: { alpha: 0.2, beta: 0.5 },
  validate(inputs, a) {
    const problems = requireInput(inputs);
    if (!Number.isFinite(a.alpha)) problems.push(`alpha must be a finite number, got ${a.alpha}`);
    if (!Number.isFinite(a.beta)) problems.push(`beta must be a finite number, got ${a.beta}`);
    return problems;
  },
};
