// Transpose by a permutation: out.shape[i] = in.shape[perm[i]].
import type { OpDef } from './op-def.ts';
import { requireInput } from './op-def.ts';

export const transpose: OpDef<'Transpose'> = {
  op: 'Transpose',
  inputs: { min: 1, max: 1 },
  inPlace: false,
  perElement: false,
  fusedActivation: false,
  weightChannelAxis: null,
  int8Output: 'input',
  defaults: { perm: [] },
  validate(inputs, a) {
    const problems = requireInput(inputs);
    if (problems.length) return problems;
    const rank = inputs[0]!.shape.length;
    const sorted = [...(a.perm ?? [])].sort((p, q) => p - q);
    if (sorted.length !== rank || !sorted.every((v, i) => v === i)) problems.push(`perm ${JSON.stringify(a.perm)} is not a permutation of 0..${rank - 1}`);
    return problems;
  },
  inferShapes: (inputs, a) => [a.perm.map((p) => inputs[0]!.shape[p])],
};
