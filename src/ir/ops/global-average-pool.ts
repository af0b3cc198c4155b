// GlobalAveragePool: mean over H and W of an NHWC tensor → [N, 1, 1, C] (ONNX keeps the spatial dims).
import type { OpDef } from './op-def.ts';
import { requireRank } from './op-def.ts';

export const globalAveragePool: OpDef<'GlobalAveragePool'> = {
  op: 'GlobalAveragePool',
  inputs: { min: 1, max: 1 },
  inPlace: false,
  perElement: false,
  fusedActivation: false,
  weightChannelAxis: null,
  int8Output: 'free',
  defaults: {},
  validate: ([x]) => requireRank('input', x, 4),
  inferShapes: ([x]) => [[x!.shape[0], 1, 1, x!.shape[3]]],
};
