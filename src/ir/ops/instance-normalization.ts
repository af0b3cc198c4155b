// InstanceNormalization: (x − mean) / sqrt(var + eps) · scale[c] + bias[c], mean and var per sample and channel.
import type { OpDef } from './op-def.ts';
import { fmtShape } from './op-def.ts';

export const instanceNormalization: OpDef<'InstanceNormalization'> = {
  op: 'InstanceNormalization',
  inputs: { min: 3, max: 3 },
  // Every output element depends on its whole channel, so the planner keeps input and output apart.
  inPlace: false,
  perElement: false,
  fusedActivation: false,
  weightChannelAxis: null,
  int8Output: 'calibrated',
  defaults: { epsilon: 1e-5 },
  validate(inputs, a) {
    const [x, scale, bias] = inputs;
    if (!x) return ['input is missing'];
    if (x.shape.length < 3) return [`input must have a batch, at least one spatial axis and channels last, got ${fmtShape(x.shape)}`];
    const c = x.shape[x.shape.length - 1];
    const problems: string[] = [];
    [scale, bias].forEach((p, i) => {
      if (!p || p.shape.length !== 1 || p.shape[0] !== c)
        problems.push(`${['scale', 'bias'][i]} must be [${c}], got ${fmtShape(p?.shape)}`);
    });
    if (!(a.epsilon >= 0)) problems.push(`epsilon must be non-negative, got ${a.epsilon}`);
    return problems;
  },
  inferShapes: ([x]) => [[...x!.shape]],
};
