// ReduceMean / ReduceMax / ReduceSum → tfg_reduce_f32 / tfg_reduce_s8, the float-only reductions → tfg_reduce_math_f32; a mean over H and W of an NHWC tensor is
// global average pooling and reuses that kernel (the same int8 arithmetic, src/reference/int8/reduce.ts).
import type { Node } from '../../ir/graph.ts';
import { prepareReduce } from '../../reference/int8/reduce.ts';
import { stridesOf } from '../../reference/float/support.ts';
import { unsupported } from '../emit-support.ts';
import { TFG_MAX_DIMS } from '../kernel-catalog.ts';
import type { OpEmitter } from '../op-emitter.ts';
import { globalAveragePool } from './global-average-pool.ts';

const C_OP = {
  ReduceMean: 'TFG_REDUCE_MEAN',
  ReduceMax: 'TFG_REDUCE_MAX',
  ReduceSum: 'TFG_REDUCE_SUM',
  ReduceMin: 'TFG_REDUCE_MIN',
  ReduceProd: 'TFG_REDUCE_PROD',
  ReduceL1: 'TFG_REDUCE_L1',
  ReduceL2: 'TFG_REDUCE_L2',
  ReduceSumSquare: 'TFG_REDUCE_SUM_SQUARE',
  ReduceLogSumExp: 'TFG_REDUCE_LOG_SUM_EXP',
} as const;

/** Reductions with a float kernel only (tfg_reduce_math_f32). */
const FLOAT_ONLY = new Set<string>(['ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceSumSquare', 'ReduceLogSumExp']);

const padded = (xs: number[]) => `{${[...xs, ...new Array<number>(TFG_MAX_DIMS - xs.length).fill(0)].join(', ')}}`;

export const reduce: OpEmitter<Node<keyof typeof C_OP>> = (ctx) => {
  const { node } = ctx;
  const x = ctx.input(0)!;
  const { axes } = node.attrs;
  if (node.op === 'ReduceMean' && x.shape.length === 4 && axes.join(',') === '1,2') return globalAveragePool(ctx as never);
  const floatOnly = FLOAT_ONLY.has(node.op);
  if (floatOnly && x.dtype !== 'f32')
    throw unsupported(node, `no ${x.dtype} kernel (float only)`, 'keep this node in float: exclude it from int8 quantization');
  if (x.shape.length > TFG_MAX_DIMS) throw unsupported(node, `rank ${x.shape.length} is above the kernels' ${TFG_MAX_DIMS}`);
  const strides = stridesOf(x.shape);
  const kept = x.shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const pick = (ds: number[], of: number[]) => ds.map((d) => of[d]);
  const q = x.dtype === 'f32' ? { inputZeroPoint: 0, outputZeroPoint: 0, multiplier: 0, shift: 0 } : prepareReduce(node, x, ctx.output());
  const init = [
    C_OP[node.op],
    kept.length,
    padded(pick(kept, x.shape)),
    padded(pick(kept, strides)),
    axes.length,
    padded(pick(axes, x.shape)),
    padded(pick(axes, strides)),
    q.inputZeroPoint,
    q.outputZeroPoint,
    q.multiplier,
    q.shift,
  ];
  const params = ctx.declare('params', 'tfg_reduce_params', `{ ${init.join(', ')} }`);
  const kernel = floatOnly ? 'tfg_reduce_math_f32' : x.dtype === 'f32' ? 'tfg_reduce_f32' : 'tfg_reduce_s8';
  return { kernel, call: `${kernel}(&${params}, ${ctx.ptr(node.inputs[0])}, ${ctx.ptr(node.outputs[0])})` };
};
