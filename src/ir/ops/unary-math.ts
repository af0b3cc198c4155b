// One-input element-wise math and activations (Abs, Sqrt, … Elu, Gelu): output shape = input shape. Each is y = f(x)
// with f in src/reference/float/unary-math.ts; the attributes are the ONNX ones with the ONNX defaults.
import type { OpAttrs } from '../graph.ts';
import type { InputInfo, OpDef } from './op-def.ts';
import { requireInput, UNARY_ELEMENTWISE } from './op-def.ts';

type NoAttrOp =
  'Abs' | 'Sqrt' | 'Reciprocal' | 'Floor' | 'Ceil' | 'Round' | 'Sign' | 'Erf' | 'Sin' | 'Cos' | 'Softplus' | 'Softsign' | 'Mish';

function plain<K extends NoAttrOp>(op: K): OpDef<K> {
  return { op, ...UNARY_ELEMENTWISE, defaults: {} as OpAttrs[K] };
}

/** Problems with numeric attributes that must be finite (and, where named, positive). */
function finiteAttrs(inputs: (InputInfo | undefined)[], values: Record<string, number>, positive: string[] = []): string[] {
  const problems = requireInput(inputs);
  for (const [k, v] of Object.entries(values)) {
    if (!Number.isFinite(v)) problems.push(`${k} must be a finite number, got ${v}`);
    else if (positive.includes(k) && v <= 0) problems.push(`${k} must be above 0, got ${v}`);
  }
  return problems;
}

export const abs = plain('Abs');
export const sqrt = plain('Sqrt');
export const reciprocal = plain('Reciprocal');
export const floor = plain('Floor');
export const ceil = plain('Ceil');
export const round = plain('Round');
export const sign = plain('Sign');
export const erf = plain('Erf');
export const sin = plain('Sin');
export const cos = plain('Cos');
export const softplus = plain('Softplus');
export const softsign = plain('Softsign');
export const mish = plain('Mish');

export const elu: OpDef<'Elu'> = {
  op: 'Elu',
  ...UNARY_ELEMENTWISE,
  defaults: { alpha: 1 },
  validate: (inputs, a) => finiteAttrs(inputs, { alpha: a.alpha }),
};

export const selu: OpDef<'Selu'> = {
  op: 'Selu',
  ...UNARY_ELEMENTWISE,
  // ONNX's defaults: the float32 values of the self-normalizing constants.
  defaults: { alpha: 1.6732631921768188, gamma: 1.0507010221481323 },
  validate: (inputs, a) => finiteAttrs(inputs, { alpha: a.alpha, gamma: a.gamma }),
};

export const celu: OpDef<'Celu'> = {
  op: 'Celu',
  ...UNARY_ELEMENTWISE,
  defaults: { alpha: 1 },
  validate: (inputs, a) => finiteAttrs(inputs, { alpha: a.alpha }, ['alpha']),
};

export const thresholdedRelu: OpDef<'ThresholdedRelu'> = {
  op: 'ThresholdedRelu',
  ...UNARY_ELEMENTWISE,
  defaults: { alpha: 1 },
  validate: (inputs, a) => finiteAttrs(inputs, { alpha: a.alpha }),
};

export const gelu: OpDef<'Gelu'> = {
  op: 'Gelu',
  ...UNARY_ELEMENTWISE,
  defaults: { approximate: 'none' },
  validate(inputs, a) {
    const problems = requireInput(inputs);
    if (a.approximate !== 'none' && a.approximate !== 'tanh')
      problems.push(`approximate must be 'none' or 'tanh', got ${JSON.stringify(a.approximate)}`);
    return problems;
  },
};
