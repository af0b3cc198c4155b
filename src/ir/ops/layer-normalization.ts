// LayerNormalization: (x − mean) / sqrt(var + eps) · scale + bias, mean and var taken over the axes from `axis` on.
import type { OpDef } from './op-def.ts';
import { fmtShape, normalizeAxis } from './op-def.ts';

export const layerNormalization: OpDef<'LayerNormalization'> = {
  op: 'LayerNormalization',
  inputs: { min: 2, max: 3 },
  // Every output element depends on its whole slice, so the kernel cannot overwrite the input as it goes.
  inPlace: false,
  perElement: false,
  fusedActivation: false,
  weightChannelAxis: null,
  int8Output: 'calibrated',
  defaults: { axis: -1, epsilon: 1e-5 },
  validate(inputs, a) {
    const [x, scale, bias] = inputs;
    if (!x) return ['input is missing'];
    const axis = normalizeAxis(a.axis, x.shape.length);
    if (axis === undefined) return [`axis ${a.axis} is outside a rank-${x.shape.length} input`];
    const normalized = x.shape.slice(axis);
    const problems: string[] = [];
    const fits = (what: string, p: typeof x | undefined) => {
      if (p && fmtShape(p.shape) !== fmtShape(normalized))
        problems.push(`${what} must be ${fmtShape(normalized)} (the normalised axes), got ${fmtShape(p.shape)}`);
    };
    if (!scale) problems.push('scale is missing');
    fits('scale', scale);
    fits('bias', bias);
    if (!(a.epsilon >= 0)) problems.push(`epsilon must be non-negative, got ${a.epsilon}`);
    return problems;
  },
  inferShapes: ([x]) => [[...x!.shape]],
};
