// Concat: joins tensors of equal rank along one axis (NHWC, so channel concat is axis 3 or -1).
import type { OpDef } from './op-def.ts';
import { fmtShape, normalizeAxis } from './op-def.ts';

export const concat: OpDef<'Concat'> = {
  op: 'Concat',
  inputs: { min: 1, max: Infinity },
  inPlace: false,
  perElement: false,
  fusedActivation: false,
  weightChannelAxis: null,
  int8Output: 'free',
  defaults: { axis: -1 },
  validate(inputs, a) {
    if (inputs.some((t) => !t)) return ['every input must be present'];
    const first = inputs[0]!;
    const axis = normalizeAxis(a.axis, first.shape.length);
    if (axis === undefined) return [`axis ${a.axis} is out of range for rank ${first.shape.length}`];
    const problems: string[] = [];
    inputs.forEach((t, i) => {
      const ok = t!.shape.length === first.shape.length && t!.shape.every((d, k) => k === axis || d === first.shape[k]);
      if (!ok) problems.push(`input ${i} ${fmtShape(t!.shape)} does not match input 0 ${fmtShape(first.shape)} outside axis ${axis}`);
    });
    return problems;
  },
  inferShapes(inputs, a) {
    const out = [...inputs[0]!.shape];
    const axis = normalizeAxis(a.axis, out.length)!;
    out[axis] = inputs.reduce((s, t) => s + t!.shape[axis], 0);
    return [out];
  },
};
