// Reshape to a static shape; one -1 is inferred from the element count (no 0 = copy-dim, the importer resolves it).
import { product } from '../graph.ts';
import type { OpDef } from './op-def.ts';
import { fmtShape, requireInput, MOVES_VALUES } from './op-def.ts';

/** The target shape with -1 resolved, or undefined when it cannot hold `count` elements. */
function resolveShape(shape: readonly number[], count: number): number[] | undefined {
  const known = shape.filter((d) => d !== -1);
  const unknown = shape.length - known.length;
  if (unknown > 1 || known.some((d) => !Number.isInteger(d) || d < 0)) return undefined;
  const p = product(known);
  if (unknown === 1) return p > 0 && count % p === 0 ? shape.map((d) => (d === -1 ? count / p : d)) : undefined;
  return p === count ? [...shape] : undefined;
}

export const reshape: OpDef<'Reshape'> = {
  op: 'Reshape',
  ...MOVES_VALUES,
  defaults: { shape: [-1] },
  validate(inputs, a) {
    const problems = requireInput(inputs);
    if (problems.length) return problems;
    if (!Array.isArray(a.shape)) return ['shape must be an array of integers'];
    const count = product(inputs[0]!.shape);
    if (!resolveShape(a.shape, count))
      problems.push(`cannot reshape ${fmtShape(inputs[0]!.shape)} (${count} elements) to ${fmtShape(a.shape)}`);
    return problems;
  },
  inferShapes: (inputs, a) => [resolveShape(a.shape, product(inputs[0]!.shape))!],
};
