// Dense / Conv2D calls for packed weights (firmware/kernels/packed/) and their scratch: called first by the Dense and
// Conv2D emitters and scratch rules, undefined when the weight is stored dense so the normal kernel is used. A storage
// no kernel serves never reaches here: generateModel refuses it first (storageProblems).
import type { Graph, Node } from '../../ir/graph.ts';
import { product } from '../../ir/graph.ts';
import { prepareConv } from '../../reference/int8/conv2d.ts';
import { prepareDense } from '../../reference/int8/dense.ts';
import { floatActivation } from '../emit-support.ts';
import type { EmitContext, OpEmission, ScratchContext } from '../op-emitter.ts';
import { convGeom } from '../ops/conv-geom.ts';
import { unsupported } from '../emit-support.ts';
import { huffScratchBytes, type WeightStream } from '../../packing/huffman-stream.ts';
import { foldedBias, packingProblem, sharesOneScale, xnorScratchBytes } from '../../packing/storage.ts';

/** Declares the layer's int8 requantization block, as the int8 emitters do; `oneScale`: the weights share one scale (a
 *  Huffman stream flagged HUFF_ONE_SCALE), so one multiplier and shift serve every channel. */
function quantBlock(
  ctx: EmitContext,
  p: { inputOffset: number; outputOffset: number; actMin: number; actMax: number; multiplier: ArrayLike<number>; shift: ArrayLike<number> },
  oneScale = false,
): string {
  const mult = ctx.int32Array('multiplier', oneScale ? [p.multiplier[0]] : p.multiplier);
  const shift = ctx.int32Array('shift', oneScale ? [p.shift[0]] : p.shift);
  return ctx.declare(
    'quant',
    'tfg_s8_channel_quant',
    `{ ${p.inputOffset}, ${p.outputOffset}, ${p.actMin}, ${p.actMax}, ${mult}, ${shift} }`,
  );
}

/** The bias argument: NULL when a Huffman stream holds the bias (foldedBias), so the bias array is never declared. */
function biasPtr(ctx: EmitContext<Node<'Dense'>> | EmitContext<Node<'Conv2D'>>): string {
  return foldedBias(ctx.g, ctx.node.inputs[1]) ? 'NULL' : ctx.ptr(ctx.node.inputs[2] ?? '');
}

type WeightedNode = Node<'Dense'> | Node<'Conv2D'>;

/** Scratch bytes of the packed kernel a Dense/Conv2D runs on (the XNOR and Huffman kernels take some; the figure of
 *  their C <kernel>_scratch_bytes), given its clustered weights' stream; undefined when the weights are emitted dense. */
function scratchBytes(ctx: { g: Graph; node: WeightedNode }, stream: WeightStream | undefined): number | undefined {
  const { g, node } = ctx;
  const w = g.tensors[node.inputs[1]];
  if (packingProblem(g, w.name)) return undefined;
  const row = product(w.shape) / w.shape[0];
  const conv = node.op === 'Conv2D';
  if (w.storage!.kind === 'binary' && node.attrs.binarizeInput) return xnorScratchBytes(row, conv);
  if (w.storage!.kind === 'clustered') {
    const float = g.tensors[node.inputs[0]].dtype === 'f32';
    return huffScratchBytes(stream!, float, conv ? row : 0, float || conv ? 0 : row);
  }
  return 0;
}

/** The scratch rule of a Dense/Conv2D with packed weights (undefined when they are emitted dense). */
export function packedScratch(ctx: ScratchContext<WeightedNode>): number | undefined {
  return scratchBytes(ctx, ctx.stream(ctx.node.inputs[1]));
}

/** The `scratch, scratch_bytes` arguments of this node's packed kernel. */
const scratchArgs = (ctx: EmitContext<WeightedNode>): string => ctx.scratch(scratchBytes(ctx, ctx.packed(ctx.node.inputs[1])?.stream) ?? 0);

export function emitPackedDense(ctx: EmitContext<Node<'Dense'>>): OpEmission | undefined {
  const { node, g } = ctx;
  const wName = node.inputs[1];
  const problem = packingProblem(g, wName);
  // Only the XNOR kernel computes on sign(x): a binarized-input Dense it cannot serve must not fall back to tfg_dense_f32.
  if (problem && node.attrs.binarizeInput)
    throw unsupported(
      node,
      `binarized-input Dense: weights "${wName}": ${problem}`,
      "binarize this layer's weights (binary pass) and keep it in float",
    );
  if (problem) return undefined;
  const x = ctx.input(0)!;
  const w = ctx.input(1)!;
  const kind = w.storage!.kind;
  const [outN, inN] = w.shape;
  const batch = product(x.shape) / inN;
  const [xp, wp, bp, yp] = [ctx.ptr(node.inputs[0]), ctx.ptr(wName), biasPtr(ctx), ctx.ptr(node.outputs[0])];
  const [lo, hi] = floatActivation(node.attrs.activation);
  const head = `${batch}, ${inN}, ${outN}`;
  const call = (kernel: string, args: string) => ({ kernel, call: `${kernel}(${head}, ${args})` });
  if (x.dtype === 'f32') {
    if (kind === 'f16') return call('tfg_dense_f32_f16', `${xp}, ${wp}, ${bp}, ${lo}, ${hi}, ${yp}`);
    if (kind === 'binary' && node.attrs.binarizeInput)
      return call('tfg_dense_f32_xnor', `${xp}, ${wp}, ${wp}_alpha, ${bp}, ${lo}, ${hi}, ${yp}, ${scratchArgs(ctx)}`);
    if (kind === 'binary') return call('tfg_dense_f32_b1', `${xp}, ${wp}, ${wp}_alpha, ${bp}, ${lo}, ${hi}, ${yp}`);
    return call('tfg_dense_f32_huff', `${xp}, &${wp}_stream, ${bp}, ${lo}, ${hi}, ${yp}, ${scratchArgs(ctx)}`);
  }
  const q = quantBlock(ctx, prepareDense(node, x, w, ctx.output()), kind === 'clustered' && sharesOneScale(w));
  if (kind === 'int4') return call('tfg_dense_s4', `&${q}, ${xp}, ${wp}, ${bp}, ${yp}`);
  if (kind === 'clustered') return call('tfg_dense_s8_huff', `&${q}, ${xp}, &${wp}_stream, ${bp}, ${yp}, ${scratchArgs(ctx)}`);
  return call('tfg_dense_s8_b1', `&${q}, ${xp}, ${wp}, ${wp}_alpha, ${bp}, ${yp}`);
}

export function emitPackedConv(ctx: EmitContext<Node<'Conv2D'>>): OpEmission | undefined {
  const { node, g } = ctx;
  const wName = node.inputs[1];
  const problem = packingProblem(g, wName);
  if (problem && node.attrs.binarizeInput)
    throw unsupported(
      node,
      `binarized-input Conv2D: weights "${wName}": ${problem}`,
      "binarize this layer's weights (binary pass), keep it in float with groups = 1",
    );
  if (problem) return undefined;
  const x = ctx.input(0)!;
  const w = ctx.input(1)!;
  const kind = w.storage!.kind;
  const geom = convGeom(ctx, w.shape[1], w.shape[2]);
  const [xp, wp, bp, yp] = [ctx.ptr(node.inputs[0]), ctx.ptr(wName), biasPtr(ctx), ctx.ptr(node.outputs[0])];
  const [lo, hi] = floatActivation(node.attrs.activation);
  const call = (kernel: string, args: string) => ({ kernel, call: `${kernel}(&${geom}, ${args})` });
  if (x.dtype === 'f32') {
    if (kind === 'f16') return call('tfg_conv2d_f32_f16', `${xp}, ${wp}, ${bp}, ${lo}, ${hi}, ${yp}`);
    if (kind === 'binary' && node.attrs.binarizeInput)
      return call('tfg_conv2d_f32_xnor', `${xp}, ${wp}, ${wp}_alpha, ${bp}, ${lo}, ${hi}, ${yp}, ${scratchArgs(ctx)}`);
    if (kind === 'binary') return call('tfg_conv2d_f32_b1', `${xp}, ${wp}, ${wp}_alpha, ${bp}, ${lo}, ${hi}, ${yp}`);
    return call('tfg_conv2d_f32_huff', `${xp}, &${wp}_stream, ${bp}, ${lo}, ${hi}, ${yp}, ${scratchArgs(ctx)}`);
  }
  const q = quantBlock(ctx, prepareConv(node, x, w, ctx.output()), kind === 'clustered' && sharesOneScale(w));
  if (kind === 'int4') return call('tfg_conv2d_s4', `&${q}, ${xp}, ${wp}, ${bp}, ${yp}`);
  if (kind === 'clustered') return call('tfg_conv2d_s8_huff', `&${q}, ${xp}, &${wp}_stream, ${bp}, ${yp}, ${scratchArgs(ctx)}`);
  return call('tfg_conv2d_s8_b1', `&${q}, ${xp}, ${wp}, ${wp}_alpha, ${bp}, ${yp}`);
}
