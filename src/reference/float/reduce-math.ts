// ReduceMin / ReduceProd / ReduceL1 / ReduceL2 / ReduceSumSquare / ReduceLogSumExp reference: each output element
// gathers its inputs in row-major order and accumulates in float32, as firmware/kernels/reduce/tfg_reduce_math_f32.c
// does. LogSumExp subtracts the max first (max + ln Σ e^(x − max)), so large inputs do not overflow.
import type { Node, OpType } from '../../ir/graph.ts';
import { reducedShape } from '../../ir/ops/reduce.ts';
import type { Kernel } from '../kernel.ts';
import { reduceTargets } from './reduce.ts';
import { attrsOf, floats } from './support.ts';

type ReduceMathOp = Extract<OpType, 'ReduceMin' | 'ReduceProd' | 'ReduceL1' | 'ReduceL2' | 'ReduceSumSquare' | 'ReduceLogSumExp'>;

/** Start value and float32 step of each accumulation; `finish` maps the accumulator to the output. */
const STEPS: Record<ReduceMathOp, { init: number; step: (acc: number, v: number) => number; finish?: (acc: number) => number }> = {
  ReduceMin: { init: Infinity, step: (acc, v) => (v < acc ? v : acc) },
  ReduceProd: { init: 1, step: (acc, v) => Math.fround(acc * v) },
  ReduceL1: { init: 0, step: (acc, v) => Math.fround(acc + Math.abs(v)) },
  ReduceL2: { init: 0, step: (acc, v) => Math.fround(acc + Math.fround(v * v)), finish: (acc) => Math.fround(Math.sqrt(acc)) },
  ReduceSumSquare: { init: 0, step: (acc, v) => Math.fround(acc + Math.fround(v * v)) },
  // Applied to e^(x − max); finish adds the max back (below).
  ReduceLogSumExp: { init: 0, step: (acc, v) => Math.fround(acc + v) },
};

function reduceMathFloat(node: Node, xv: Parameters<Kernel>[1][number]): Float32Array {
  const op = node.op as ReduceMathOp;
  const { axes } = attrsOf(node, 'ReduceSum');
  const x = floats(xv, 'input');
  const target = reduceTargets(xv!.shape, axes);
  const outCount = reducedShape(xv!.shape, axes, true).reduce((p, d) => p * d, 1);
  const { init, step, finish } = STEPS[op];
  const y = new Float32Array(outCount).fill(init);
  if (op === 'ReduceLogSumExp') {
    const max = new Float32Array(outCount).fill(-Infinity);
    for (let i = 0; i < x.length; i++) if (x[i] > max[target[i]]) max[target[i]] = x[i];
    for (let i = 0; i < x.length; i++) y[target[i]] = step(y[target[i]], Math.fround(Math.exp(Math.fround(x[i] - max[target[i]]))));
    for (let o = 0; o < outCount; o++) y[o] = Math.fround(max[o] + Math.fround(Math.log(y[o])));
    return y;
  }
  for (let i = 0; i < x.length; i++) y[target[i]] = step(y[target[i]], x[i]);
  if (finish) for (let o = 0; o < outCount; o++) y[o] = finish(y[o]);
  return y;
}

export const reduceMath: Kernel = (node, [x]) => [reduceMathFloat(node, x)];
