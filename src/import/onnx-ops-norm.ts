// ONNX LayerNormalization and InstanceNormalization → IR ops; a 4-D LayerNormalization input is normalised in its NCHW
// order (between transposes), InstanceNormalization normalises NHWC channels directly.
import { broadcastShapes, TO_NCHW } from './onnx-layout.ts';
import { broadcastBinary } from './onnx-fold.ts';
import { ImportProblem } from './onnx-context.ts';
import type { OpCall } from './onnx-op-call.ts';
import type { ConstValue } from './onnx-proto-read.ts';

/** A scale or bias constant stretched to the normalised shape (ONNX lets them broadcast to it). */
function toShape(n: OpCall, i: number, what: string, shape: number[]): string {
  const c: ConstValue = n.constIn(i, what);
  const full = broadcastShapes(c.dims, shape);
  if (!full || full.join(',') !== shape.join(','))
    throw new ImportProblem(`${what} has shape [${c.dims}], which does not broadcast to the normalised axes [${shape}]`);
  const stretched = broadcastBinary(c, { dims: shape, data: new Float64Array(shape.reduce((a, b) => a * b, 1)), isFloat: true }, (v) => v);
  return n.ctx.constant(n.inputName(i), shape, stretched.data);
}

export function layerNormalization(n: OpCall, used: Set<string>): void {
  const stash = n.a.int('stash_type', 1);
  if (stash !== 1) throw new ImportProblem(`stash_type ${stash}: tinyforge computes the statistics in float32 (stash_type 1) only`);
  const x = n.act(0);
  const rank = x.shape.length;
  const raw = n.a.int('axis', -1);
  const axis = raw < 0 ? raw + rank : raw;
  if (axis < 0 || axis >= rank) throw new ImportProblem(`axis ${raw} is outside a rank-${rank} input`);
  const normalized = x.shape.slice(axis);
  const inputs = [toShape(n, 1, 'scale', normalized), ...(n.ins[2] ? [toShape(n, 2, 'bias', normalized)] : [])];
  const attrs = { axis, epsilon: n.a.float('epsilon', 1e-5) };
  // The IR holds 4-D tensors as NHWC; the ONNX axes are NCHW ones, so a 4-D input is normalised in an NCHW copy.
  const src = rank === 4 ? n.ctx.scratch(`${x.ir}__nchw`, [...x.shape]) : x.ir;
  if (rank === 4) n.ctx.addNode('Transpose', `${n.name}/to_nchw`, [x.ir], [src], { perm: TO_NCHW });
  n.ctx.fromOnnxOrder(n.outs[0], x.shape, (out) => n.ctx.addNode('LayerNormalization', n.name, [src, ...inputs], [out], attrs), n.name);
  const [, meanOut, invStdOut] = n.outs;
  if ((meanOut && used.has(meanOut)) || (invStdOut && used.has(invStdOut))) statistics(n, src, axis, attrs.epsilon, meanOut, invStdOut);
}

/**
 * LayerNormalization's optional outputs Mean and InvStdDev ([d0 … d(axis−1), 1 … 1]) from existing ops, in the steps
 * and float32 order of the layer norm's own statistics: mean = ReduceMean(x); InvStdDev = 1 / sqrt(ReduceMean((x −
 * mean)²) + ε). `src` holds x in ONNX order.
 */
function statistics(n: OpCall, src: string, axis: number, epsilon: number, meanOut: string, invStdOut: string | undefined): void {
  const x = n.act(0);
  const axes = x.shape.map((_, i) => i).filter((i) => i >= axis);
  const statShape = x.shape.map((d, i) => (i >= axis ? 1 : d));
  const step = (op: 'ReduceMean' | 'Sub' | 'Mul' | 'Add' | 'Sqrt' | 'Reciprocal', ins: string[], shape: number[], what: string) => {
    const out = n.ctx.scratch(`${n.name}__${what}`, shape);
    if (op === 'ReduceMean') n.ctx.addNode(op, `${n.name}/${what}`, ins, [out], { axes, keepdims: true });
    else if (op === 'Sqrt' || op === 'Reciprocal') n.ctx.addNode(op, `${n.name}/${what}`, ins, [out], {});
    else n.ctx.addNode(op, `${n.name}/${what}`, ins, [out], { activation: 'none' });
    return out;
  };
  // A statistic in ONNX order becomes its ONNX value through a Reshape (a view, no copy), transposed after it when a
  // 4-D statistic's NHWC order differs.
  const emit = (onnxName: string, from: string, what: string) =>
    n.ctx.fromOnnxOrder(
      onnxName,
      statShape,
      (out) => n.ctx.addNode('Reshape', `${n.name}/${what}`, [from], [out], { shape: [...n.ctx.tensors[out].shape] }),
      `${n.name}/${what}`,
    );
  const mean = step('ReduceMean', [src], statShape, 'mean');
  if (meanOut) emit(meanOut, mean, 'mean_out');
  if (!invStdOut) return;
  const centred = step('Sub', [src, mean], [...x.shape], 'centred');
  const variance = step('ReduceMean', [step('Mul', [centred, centred], [...x.shape], 'squared')], statShape, 'variance');
  const eps = n.ctx.constant(`${n.name}/epsilon`, [1], [epsilon]);
  const std = step('Sqrt', [step('Add', [variance, eps], statShape, 'variance_eps')], statShape, 'std');
  emit(invStdOut, step('Reciprocal', [std], statShape, 'inv_std'), 'inv_std_out');
}

/** NCHW (or [N,C,L], lifted to 4-D by with1d) → the IR op on NHWC, scale and bias per channel. */
export function instanceNormalization(n: OpCall): void {
  const x = n.act(0);
  if (x.shape.length !== 4) throw new ImportProblem(`input rank ${x.shape.length}: only [N,C,L] and [N,C,H,W] are supported`);
  const C = x.shape[1];
  const names = ['scale', 'B'].map((what, k) => {
    const c = n.constIn(k + 1, what);
    if (c.data.length !== C) throw new ImportProblem(`${what} has ${c.data.length} values for ${C} channels`);
    return n.ctx.constant(n.inputName(k + 1), [C], c.data);
  });
  const out = n.ctx.defineAct(n.outs[0], x.shape);
  n.ctx.addNode('InstanceNormalization', n.name, [x.ir, ...names], [out.ir], { epsilon: n.a.float('epsilon', 1e-5) });
}
