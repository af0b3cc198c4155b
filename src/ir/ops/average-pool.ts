// AveragePool over an NHWC window with explicit pads; countIncludePad picks the ONNX divisor rule.
import type { OpDef } from './op-def.ts';
import { inferPool, validatePool } from './pool-window.ts';

export const averagePool: OpDef<'AveragePool'> = {
  op: 'AveragePool',
  inputs: { min: 1, max: 1 },
  inPlace: false,
  perElement: false,
  fusedActivation: true,
  weightChannelAxis: null,
  int8Output: 'input',
  defaults: { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], countIncludePad: false, activation: 'none' },
  validate(inputs, a) {
    const problems = validatePool(inputs, a);
    if (typeof a.countIncludePad !== 'boolean')
      problems.push(`countIncludePad must be a boolean, got ${JSON.stringify(a.countIncludePad)}`);
    return problems;
  },
  inferShapes: inferPool,
};
