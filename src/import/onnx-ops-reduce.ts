// ONNX ReduceMean / ReduceMax / ReduceSum / ReduceMin / ReduceProd / ReduceL1 / ReduceL2 / ReduceSumSquare /
// ReduceLogSumExp → the IR reductions. Axes come from the attribute (ReduceSum before opset
// 13, the others before 18) or from the optional second input (a constant); none means every axis, unless
// noop_with_empty_axes makes the node an identity. A 4-D tensor is reduced in NHWC with its axes mapped, keeping the
// dims, and a Reshape in ONNX order then drops them, so the result has ONNX's memory order whatever the axes.
import { ImportProblem } from './onnx-context.ts';
import { irAxis } from './onnx-layout.ts';
import type { OpCall } from './onnx-op-call.ts';

type ReduceOp =
  'ReduceMean' | 'ReduceMax' | 'ReduceSum' | 'ReduceMin' | 'ReduceProd' | 'ReduceL1' | 'ReduceL2' | 'ReduceSumSquare' | 'ReduceLogSumExp';

/** The first opset in which each reduction takes its axes as an input. */
const AXES_INPUT_SINCE: Record<ReduceOp, number> = {
  ReduceSum: 13,
  ReduceMean: 18,
  ReduceMax: 18,
  ReduceMin: 18,
  ReduceProd: 18,
  ReduceL1: 18,
  ReduceL2: 18,
  ReduceSumSquare: 18,
  ReduceLogSumExp: 18,
};

export function reduce(n: OpCall): void {
  const op = n.op as ReduceOp;
  const x = n.act(0);
  const rank = x.shape.length;
  const given = n.opset >= AXES_INPUT_SINCE[op] ? n.optConst(1, 'axes')?.data : n.a.ints('axes');
  const keepdims = n.a.int('keepdims', 1) === 1;
  if ((!given || given.length === 0) && n.a.int('noop_with_empty_axes', 0) === 1) {
    n.ctx.values.set(n.outs[0], x);
    return;
  }
  const onnxAxes = given && given.length > 0 ? Array.from(given, Number) : [...Array(rank).keys()];
  const normalized = onnxAxes.map((a) => (a < 0 ? a + rank : a));
  if (normalized.some((a) => !Number.isInteger(a) || a < 0 || a >= rank))
    throw new ImportProblem(`axes [${onnxAxes}] are outside the input's ${rank} dims`);
  const keptShape = x.shape.map((d, i) => (normalized.includes(i) ? 1 : d));
  const finalShape = keepdims ? keptShape : x.shape.filter((_, i) => !normalized.includes(i));
  const irAxes = [...new Set(normalized.map((a) => irAxis(a, rank)))].sort((a, b) => a - b);
  if (rank !== 4 || keepdims) {
    const out = n.ctx.defineAct(n.outs[0], finalShape);
    n.ctx.addNode(op, n.name, [x.ir], [out.ir], { axes: irAxes, keepdims });
    return;
  }
  const kept = n.ctx.defineAct(`${n.outs[0]}__keepdims`, keptShape);
  n.ctx.addNode(op, n.name, [x.ir], [kept.ir], { axes: irAxes, keepdims: true });
  const src = n.ctx.inOnnxOrder(kept, `${n.name}/squeeze`);
  const out = n.ctx.defineAct(n.outs[0], finalShape);
  n.ctx.addNode('Reshape', `${n.name}/squeeze`, [src], [out.ir], { shape: n.ctx.tensors[out.ir].shape });
}

/** ONNX ArgMax / ArgMin → the IR ops, int32 indices (ONNX's are int64; the values are the same). A 4-D input with
 *  keepdims is reduced in NHWC on the mapped axis (the result is then the NHWC form of ONNX's 4-D output); without
 *  keepdims the input is first put in ONNX order, so the rank-3 result has ONNX's memory order with no integer
 *  transpose after it. */
export function argReduce(n: OpCall): void {
  const op = n.op as 'ArgMax' | 'ArgMin';
  const x = n.act(0);
  const rank = x.shape.length;
  const given = n.a.int('axis', 0);
  const axis = given < 0 ? given + rank : given;
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) throw new ImportProblem(`axis ${given} is outside the input's ${rank} dims`);
  const keepdims = n.a.int('keepdims', 1) === 1;
  const selectLastIndex = n.a.int('select_last_index', 0) === 1;
  const outShape = keepdims ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis);
  const src = rank === 4 && !keepdims ? n.ctx.inOnnxOrder(x, n.name) : x.ir;
  const irAxisOf = rank === 4 && keepdims ? irAxis(axis, rank) : axis;
  const out = n.ctx.defineAct(n.outs[0], outShape);
  n.ctx.tensors[out.ir].dtype = 'i32';
  n.ctx.addNode(op, n.name, [src], [out.ir], { axis: irAxisOf, keepdims, selectLastIndex });
}
