// Expand: broadcast the input to a constant shape of the same rank (the importer lifts a lower rank first).
import type { OpDef } from './op-def.ts';
import { fmtShape, requireInput, MOVES_VALUES } from './op-def.ts';

export const expand: OpDef<'Expand'> = {
  op: 'Expand',
  ...MOVES_VALUES,
  defaults: { shape: [] },
  validate(inputs, a) {
    const problems = requireInput(inputs);
    if (problems.length) return problems;
    const shape = inputs[0]!.shape;
    const ok =
      Array.isArray(a.shape) &&
      a.shape.length === shape.length &&
      a.shape.every((d, i) => Number.isInteger(d) && d >= 1 && (shape[i] === d || shape[i] === 1));
    if (!ok) problems.push(`cannot broadcast ${fmtShape(shape)} to ${fmtShape(a.shape)} (each dim must be 1 or equal)`);
    return problems;
  },
  inferShapes: (_inputs, a) => [[...a.shape]],
};
