// Slice: a strided window per axis, with starts/ends/steps already resolved the ONNX way (clamped, no negatives).
import type { OpDef } from './op-def.ts';
import { requireInput, MOVES_VALUES } from './op-def.ts';

/** How many indices start, start + step, … lie before end (after end when step < 0). */
export function sliceCount(start: number, end: number, step: number): number {
  return Math.max(0, step > 0 ? Math.ceil((end - start) / step) : Math.ceil((start - end) / -step));
}

export const slice: OpDef<'Slice'> = {
  op: 'Slice',
  ...MOVES_VALUES,
  defaults: { starts: [], ends: [], steps: [] },
  validate(inputs, a) {
    const problems = requireInput(inputs);
    if (problems.length) return problems;
    const shape = inputs[0]!.shape;
    const rank = shape.length;
    for (const key of ['starts', 'ends', 'steps'] as const) {
      const v = a[key];
      if (!Array.isArray(v) || v.length !== rank || !v.every(Number.isInteger))
        return [`${key} must be ${rank} integers (one per axis), got ${JSON.stringify(v)}`];
    }
    shape.forEach((d, i) => {
      const [start, end, step] = [a.starts[i], a.ends[i], a.steps[i]];
      if (step === 0) problems.push(`axis ${i}: step is 0`);
      else if (start < 0 || start >= d) problems.push(`axis ${i}: start ${start} is outside [0, ${d - 1}]`);
      else if (end < -1 || end > d) problems.push(`axis ${i}: end ${end} is outside [-1, ${d}]`);
      else if (sliceCount(start, end, step) === 0) problems.push(`axis ${i}: [${start}:${end}:${step}] selects nothing`);
    });
    return problems;
  },
  inferShapes: (inputs, a) => [inputs[0]!.shape.map((_, i) => sliceCount(a.starts[i], a.ends[i], a.steps[i]))],
};
