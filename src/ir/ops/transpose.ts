// Transpose by a permutation: out.shape[i] = in.shape[perm[i]].
import type { OpDef } from './op-def.ts';
import { requireInput, MOVES_VALUES } from './op-def.ts';

export const transpose: OpDef<'Transpose'> = {
  op: 'Transpose',
  ...MOVES_VALUES,
  defaults: { perm: [] },
  validate(inputs, a) {
    const problems = requireInput(inputs);
    if (problems.length) return problems;
    const rank = inputs[0]!.shape.length;
    const sorted = [...(a.perm ?? [])].sort((p, q) => p - q);
    if (sorted.length !== rank || !sorted.every((v, i) => v === i))
      problems.push(`perm ${JSON.stringify(a.perm)} is not a permutation of 0..${rank - 1}`);
    return problems;
  },
  inferShapes: (inputs, a) => [a.perm.map((p) => inputs[0]!.shape[p])],
};
