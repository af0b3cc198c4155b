// Pad: pads in ONNX order [begin_0 … begin_{r-1}, end_0 … end_{r-1}]; constant mode fills with `value`, reflect mirrors
// the input without repeating its edge, edge repeats the edge.
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
    const mode = a.mode ?? 'constant';
    if (mode !== 'constant' && mode !== 'reflect' && mode !== 'edge')
      problems.push(`mode must be 'constant', 'reflect' or 'edge', got ${JSON.stringify(a.mode)}`);
    else if (mode !== 'constant' && problems.length === 0) {
      const shape = inputs[0]!.shape;
      // reflect reads up to `pad` elements inward from the edge, so each pad must be below the axis size.
      const limit = (d: number) => (mode === 'reflect' ? d - 1 : d === 0 ? 0 : Infinity);
      shape.forEach((d, i) => {
        const most = Math.max(a.pads[i], a.pads[i + rank]);
        if (most > limit(d))
          problems.push(`axis ${i}: ${mode} pad ${most} needs a size above ${mode === 'reflect' ? most : 0}, the axis has ${d}`);
      });
    }
    return problems;
  },
  inferShapes: (inputs, a) => {
    const s = inputs[0]!.shape;
    return [s.map((d, i) => d + a.pads[i] + a.pads[i + s.length])];
  },
};
