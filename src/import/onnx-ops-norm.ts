// ONNX LayerNormalization and InstanceNormalization → IR ops; a 4-D LayerNormalization input is normalised in its NCHW
// order (between transposes), InstanceNormalization normalises NHWC channels directly.
import { broadcastShapes, TO_NCHW, TO_NHWC } from './onnx-layout.ts';
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
  n.onlyFirstOutputUsed(used);
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
  if (rank !== 4) {
    const out = n.ctx.defineAct(n.outs[0], x.shape);
    n.ctx.addNode('LayerNormalization', n.name, [x.ir, ...inputs], [out.ir], attrs);
    return;
  }
  // The IR holds 4-D tensors as NHWC; the ONNX axes are NCHW ones, so normalise an NCHW copy.
  const nchwIn = n.ctx.scratch(`${x.ir}__nchw`, [...x.shape]);
  const nchwOut = n.ctx.scratch(`${n.outs[0]}__nchw`, [...x.shape]);
  n.ctx.addNode('Transpose', `${n.name}/to_nchw`, [x.ir], [nchwIn], { perm: TO_NCHW });
  n.ctx.addNode('LayerNormalization', n.name, [nchwIn, ...inputs], [nchwOut], attrs);
  const out = n.ctx.defineAct(n.outs[0], x.shape);
  n.ctx.addNode('Transpose', `${n.name}/to_nhwc`, [nchwOut], [out.ir], { perm: TO_NHWC });
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
