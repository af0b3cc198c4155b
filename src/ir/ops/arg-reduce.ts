// ArgMax / ArgMin along one axis: the int32 position of the extreme value, the axis kept as a 1 or dropped.
import type { OpType } from '../graph.ts';
import type { OpDef } from './op-def.ts';
import { fmtShape, requireInput } from './op-def.ts';

type ArgReduceOp = Extract<OpType, 'ArgMax' | 'ArgMin'>;

/** The output shape of an arg-reduction of `shape` along `axis`. */
export function argReducedShape(shape: readonly number[], axis: number, keepdims: boolean): number[] {
  return keepdims ? shape.map((d, i) => (i === axis ? 1 : d)) : shape.filter((_, i) => i !== axis);
}

function argReduceDef<K extends ArgReduceOp>(op: K): OpDef<K> {
  return {
    op,
    inputs: { min: 1, max: 1 },
    inPlace: false,
    perElement: false,
    fusedActivation: false,
    weightChannelAxis: null,
    int8Output: 'index',
    defaults: { axis: 0, keepdims: true, selectLastIndex: false } as OpDef<K>['defaults'],
    validate(inputs, a) {
      const problems = requireInput(inputs);
      const x = inputs[0];
      if (!x) return problems;
      const rank = x.shape.length;
      if (!Number.isInteger(a.axis) || a.axis < 0 || a.axis >= rank)
        problems.push(`axis must be an axis of the input ${fmtShape(x.shape)} (0…${rank - 1}), got ${JSON.stringify(a.axis)}`);
      if (typeof a.keepdims !== 'boolean') problems.push(`keepdims must be true or false, got ${JSON.stringify(a.keepdims)}`);
      if (typeof a.selectLastIndex !== 'boolean')
        problems.push(`selectLastIndex must be true or false, got ${JSON.stringify(a.selectLastIndex)}`);
      if (x.dtype !== 'f32' && x.dtype !== 'i8') problems.push(`the input must be f32 or i8, got ${x.dtype}`);
      return problems;
    },
    inferShapes: ([x], a) => [argReducedShape(x!.shape, a.axis, a.keepdims)],
    outputDtype: () => 'i32',
  };
}

export const argMax = argReduceDef('ArgMax');
export const argMin = argReduceDef('ArgMin');
