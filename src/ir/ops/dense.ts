// Dense (TFLite FULLY_CONNECTED): x[..., in] · W[out, in]ᵀ + b[out] → [..., out].
import type { OpDef } from './op-def.ts';
import { fmtShape, requireActivation } from './op-def.ts';

export const dense: OpDef<'Dense'> = {
  op: 'Dense',
  inputs: { min: 2, max: 3 },
  inPlace: false,
  perElement: false,
  fusedActivation: true,
  weightChannelAxis: 0,
  int8Output: 'free',
  defaults: { activation: 'none' },
  validate([x, w, b], attrs) {
    const problems = requireActivation(attrs.activation);
    if (!x || !w) return [...problems, 'needs input x and weights W'];
    if (w.shape.length !== 2) return [...problems, `weights must be [out,in], got ${fmtShape(w.shape)}`];
    if (x.shape.length < 1 || x.shape[x.shape.length - 1] !== w.shape[1]) {
      problems.push(
        `input ${fmtShape(x.shape)} has last dim ${x.shape[x.shape.length - 1]} but weights [out,in]=${fmtShape(w.shape)} expect ${w.shape[1]}`,
      );
    }
    if (b && (b.shape.length !== 1 || b.shape[0] !== w.shape[0])) problems.push(`bias must be [${w.shape[0]}], got ${fmtShape(b.shape)}`);
    return problems;
  },
  inferShapes([x, w]) {
    return [[...x!.shape.slice(0, -1), w!.shape[0]]];
  },
};
