// Pad (constant mode): pads in ONNX order [begin_0 … begin_{r-1}, end_0 … end_{r-1}], filled with `value`.
import type { OpDef } from './op-def.ts';
import { requireInput, MOVES_VALUES } from './op-def.ts';

export const pad: OpDef<'Pad'> = {
  op: 'Pad',
  ...MOVES_VALUES,
  defaults: { pads: [], value: 0 },
  validate(inputs, a) {
    const problems = requireInput(inputs);
    if (problems.length) return problems;
    const rank = inputs[0]!.shape.length;
    if (!Array.isArray(a.pads) || a.pads.length !== 2 * rank || !a.pads.every((p) => Number.isInteger(p) && p >= 0)) {
      problems.push(`pads must be ${2 * rank} non-negative integers (begins then ends), got ${JSON.stringify(a.pads)}`);
    }
    if (typeof a.value !== 'number' || Number.isNaN(a.value)) problems.push(`value must be a number, got ${a.value}`);
    return problems;
  },
  inferShapes: (inputs, a) => {
    const s = inputs[0]!.shape;
    return [s.map((d, i) => d + a.pads[i] + a.pads[i + s.length])];
  },
};
