// Min, Max and Pow: element-wise on two inputs with numpy broadcasting, no fused activation. Min and Max compare, so
// int8 requantizes both inputs to the output's quantization (a copy when they share it) and picks one; Pow is float only.
import type { OpDef } from './op-def.ts';
import { inferBinary, validateBinary } from './binary-elementwise.ts';

function binaryDef<K extends 'Min' | 'Max' | 'Pow'>(op: K): OpDef<K> {
  return {
    op,
    inputs: { min: 2, max: 2 },
    inPlace: true,
    perElement: false,
    fusedActivation: false,
    weightChannelAxis: null,
    int8Output: 'calibrated',
    defaults: {} as OpDef<K>['defaults'],
    validate: validateBinary,
    inferShapes: inferBinary,
  };
}

export const min = binaryDef('Min');
export const max = binaryDef('Max');
export const pow = binaryDef('Pow');
