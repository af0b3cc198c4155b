// Gather with constant indices: out = x.take(indices, axis), the indices' shape replacing the axis (ONNX Gather).
import type { OpDef } from './op-def.ts';
import { product } from '../graph.ts';
import { normalizeAxis, requireInput, MOVES_VALUES } from './op-def.ts';

export const gather: OpDef<'Gather'> = {
  op: 'Gather',
  ...MOVES_VALUES,
  defaults: { axis: 0, indices: [], indicesShape: [] },
  validate(inputs, a) {
    const problems = requireInput(inputs);
    if (problems.length) return problems;
    const shape = inputs[0]!.shape;
    const axis = normalizeAxis(a.axis, shape.length);
    if (axis === undefined) return [`axis ${a.axis} is out of range for rank ${shape.length}`];
    if (!Array.isArray(a.indicesShape) || !a.indicesShape.every((d) => Number.isInteger(d) && d >= 1))
      return [`indicesShape must be positive integers, got ${JSON.stringify(a.indicesShape)}`];
    if (!Array.isArray(a.indices) || a.indices.length !== product(a.indicesShape))
      return [`indices must hold ${product(a.indicesShape)} values (indicesShape ${JSON.stringify(a.indicesShape)})`];
    const bad = a.indices.find((i) => !Number.isInteger(i) || i < 0 || i >= shape[axis]);
    if (bad !== undefined) problems.push(`index ${bad} is outside [0, ${shape[axis] - 1}] on axis ${axis}`);
    return problems;
  },
  inferShapes(inputs, a) {
    const shape = inputs[0]!.shape;
    const axis = normalizeAxis(a.axis, shape.length)!;
    return [[...shape.slice(0, axis), ...a.indicesShape, ...shape.slice(axis + 1)]];
  },
};
