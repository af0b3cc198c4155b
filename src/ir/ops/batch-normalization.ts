// BatchNormalization (inference): (x - mean) / sqrt(var + eps) * scale + bias over the last axis (C in NHWC).
import type { OpDef } from './op-def.ts';
import { fmtShape } from './op-def.ts';

const PARAMS = ['scale', 'bias', 'mean', 'var'];

export const batchNormalization: OpDef<'BatchNormalization'> = {
  op: 'BatchNormalization',
  inputs: { min: 5, max: 5 },
  inPlace: true,
  perElement: false,
  fusedActivation: false,
  weightChannelAxis: null,
  int8Output: 'calibrated',
  defaults: { epsilon: 1e-5 },
  validate(inputs, a) {
    const [x, ...params] = inputs;
    if (!x) return ['input is missing'];
    const c = x.shape[x.shape.length - 1];
    const problems: string[] = [];
    params.forEach((p, i) => {
      if (!p || p.shape.length !== 1 || p.shape[0] !== c) problems.push(`${PARAMS[i]} must be [${c}], got ${fmtShape(p?.shape)}`);
    });
    if (!(a.epsilon >= 0)) problems.push(`epsilon must be non-negative, got ${a.epsilon}`);
    return problems;
  },
  inferShapes: ([x]) => [[...x!.shape]],
};
