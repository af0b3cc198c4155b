// ReduceMean / ReduceMax / ReduceSum over a set of axes of one input; keepdims leaves a 1 where each axis was.
import type { OpType } from '../graph.ts';
import type { Int8Output, OpDef } from './op-def.ts';
import { fmtShape, requireInput } from './op-def.ts';

type ReduceOp = Extract<
  OpType,
  'ReduceMean' | 'ReduceMax' | 'ReduceSum' | 'ReduceMin' | 'ReduceProd' | 'ReduceL1' | 'ReduceL2' | 'ReduceSumSquare' | 'ReduceLogSumExp'
>;

/** The output shape of reducing `shape` over `axes`. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

function reduceDef<K extends ReduceOp>(op: K, int8Output: Int8Output): OpDef<K> {
  return {
    op,
    inputs: { min: 1, max: 1 },
    inPlace: false,
    perElement: false,
    fusedActivation: false,
    weightChannelAxis: null,
    int8Output,
    defaults: { axes: [], keepdims: true } as unknown as OpDef<K>['defaults'],
    validate(inputs, a) {
      const problems = requireInput(inputs);
      const x = inputs[0];
      if (!x) return problems;
      const axes = a.axes;
      const rank = x.shape.length;
      if (!Array.isArray(axes) || axes.length === 0 || !axes.every((v) => Number.isInteger(v) && v >= 0 && v < rank))
        problems.push(`axes must be one or more axes of the input ${fmtShape(x.shape)} (0…${rank - 1}), got ${JSON.stringify(axes)}`);
      else if (axes.some((v, i) => i > 0 && v <= axes[i - 1])) problems.push(`axes must be sorted and distinct, got [${axes}]`);
      if (typeof a.keepdims !== 'boolean') problems.push(`keepdims must be true or false, got ${JSON.stringify(a.keepdims)}`);
      return problems;
    },
    inferShapes: ([x], a) => [reducedShape(x!.shape, a.axes, a.keepdims)],
  };
}

export const reduceMean = reduceDef('ReduceMean', 'calibrated');
/** The max of int8 values is one of them: the output keeps the input's quantization, as MaxPool's does. */
export const reduceMax = reduceDef('ReduceMax', 'input');
export const reduceSum = reduceDef('ReduceSum', 'calibrated');

/** Float only (int8 keeps them in float between Dequantize and Quantize). */
export const reduceMin = reduceDef('ReduceMin', 'calibrated');
export const reduceProd = reduceDef('ReduceProd', 'calibrated');
export const reduceL1 = reduceDef('ReduceL1', 'calibrated');
export const reduceL2 = reduceDef('ReduceL2', 'calibrated');
export const reduceSumSquare = reduceDef('ReduceSumSquare', 'calibrated');
export const reduceLogSumExp = reduceDef('ReduceLogSumExp', 'calibrated');
