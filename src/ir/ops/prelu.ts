// PRelu: x ≥ 0 ? x : slope · x, the slope (input 1, a constant) broadcast to x the numpy way. Kernels need the
// slope's non-1 dims to be one contiguous run of x's dims (per channel, per element, or one value).
import type { OpDef } from './op-def.ts';
import { fmtShape } from './op-def.ts';
import { broadcastShapes } from './broadcast.ts';

/** The slope as (outer, count, inner) over x: slope index = floor(i / inner) mod count; undefined when it is not one run. */
export function slopeLayout(x: readonly number[], slope: readonly number[]): { count: number; inner: number } | undefined {
  const full = [...new Array<number>(Math.max(0, x.length - slope.length)).fill(1), ...slope];
  const used = full.map((d, i) => (d !== 1 ? i : -1)).filter((i) => i >= 0);
  if (used.length === 0) return { count: 1, inner: 1 };
  const [first, last] = [used[0], used[used.length - 1]];
  for (let i = first; i <= last; i++) if (full[i] !== x[i]) return undefined;
  const count = full.slice(first, last + 1).reduce((p, d) => p * d, 1);
  const inner = x.slice(last + 1).reduce((p, d) => p * d, 1);
  return { count, inner };
}

export const prelu: OpDef<'PRelu'> = {
  op: 'PRelu',
  inputs: { min: 2, max: 2 },
  inPlace: true,
  perElement: false,
  fusedActivation: false,
  weightChannelAxis: null,
  int8Output: 'calibrated',
  defaults: {},
  validate([x, slope]) {
    if (!x) return ['input 0 is missing'];
    if (!slope) return ['slope (input 1) is missing'];
    const out = broadcastShapes(x.shape, slope.shape);
    if (!out || out.join(',') !== x.shape.join(','))
      return [`slope ${fmtShape(slope.shape)} does not broadcast to the input ${fmtShape(x.shape)}`];
    if (!slopeLayout(x.shape, slope.shape))
      return [`slope ${fmtShape(slope.shape)} varies along axes that are not adjacent in the input ${fmtShape(x.shape)}`];
    return [];
  },
  inferShapes: ([x]) => [[...x!.shape]],
};
