// ChannelShuffle: the last axis (NHWC channels) read as [groups, C/groups] and written transposed, [C/groups, groups]:
// out channel j·groups + i is in channel i·(C/groups) + j. One copy instead of ShuffleNet's 5-D Reshape/Transpose.
import type { OpDef } from './op-def.ts';
import { requireInput, MOVES_VALUES } from './op-def.ts';

export const channelShuffle: OpDef<'ChannelShuffle'> = {
  op: 'ChannelShuffle',
  ...MOVES_VALUES,
  defaults: { groups: 2 },
  validate(inputs, a) {
    const problems = requireInput(inputs);
    if (problems.length) return problems;
    const shape = inputs[0]!.shape;
    const c = shape[shape.length - 1];
    if (!Number.isInteger(a.groups) || a.groups < 1 || c % a.groups !== 0)
      problems.push(`groups ${a.groups} must be a positive divisor of the ${c} channels`);
    return problems;
  },
  inferShapes: (inputs) => [[...inputs[0]!.shape]],
};
