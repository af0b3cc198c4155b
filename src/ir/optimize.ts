// simplify: graph clean-ups that never change results — merge reshape chains and inverse transposes (left by layout
// conversion at import), turn a Reshape/Transpose chain that shuffles channels (ShuffleNet) into one ChannelShuffle, fold BatchNormalization into the layer before it, fuse Relu/Relu6 into the producer's
// activation (fuseActivations, also run by int8 quantization), and fold the NHWC→NCHW transpose before a flatten into
// the next Dense's weights, and let a GRU/LSTM whose steps are read only for the last one write that step alone.
import { cloneGraph, product, type Activation, type Graph, type Node, type TensorData } from './graph.ts';
import { opDef } from './ops/index.ts';

/** Returns a simplified copy of `g`; `g` itself is not touched. */
export function simplify(g: Graph): Graph {
  const out = cloneGraph(g);
  for (let changed = true; changed;) {
    changed =
      collapseReshapes(out) ||
      cancelTransposes(out) ||
      fuseChannelShuffle(out) ||
      foldBatchNorm(out) ||
      fuseActivation(out) !== undefined ||
      foldFlattenTranspose(out) ||
      lastStepOnly(out);
  }
  dropUnusedTensors(out);
  return out;
}

function consumers(g: Graph, tensor: string): Node[] {
  return g.nodes.filter((n) => n.inputs.includes(tensor));
}

/** True when `tensor` feeds exactly one node and is not a graph output, so its producer may change meaning. */
function singleUse(g: Graph, tensor: string): boolean {
  return !g.outputs.includes(tensor) && consumers(g, tensor).length === 1;
}

function producerOf(g: Graph, tensor: string): Node | undefined {
  return g.nodes.find((n) => n.outputs.includes(tensor));
}

/** A weight tensor the node may rewrite: its own if no one else reads it, else a fresh copy. */
function ownedConstant(g: Graph, node: Node, index: number, suffix: string): string {
  const name = node.inputs[index];
  if (g.nodes.filter((n) => n.inputs.includes(name)).length === 1 && !g.inputs.includes(name)) return name;
  let fresh = `${name}_${suffix}`;
  for (let i = 1; Object.hasOwn(g.tensors, fresh); i++) fresh = `${name}_${suffix}_${i}`;
  const t = g.tensors[name];
  g.tensors[fresh] = { ...t, name: fresh, shape: [...t.shape], data: t.data!.slice() as TensorData, mask: t.mask?.slice() };
  node.inputs[index] = fresh;
  return fresh;
}

/** Drops `n`, whose output equals its input: readers of the output read the input instead (not for graph outputs). */
function dropIdentity(g: Graph, n: Node): boolean {
  const [from, to] = [n.outputs[0], n.inputs[0]];
  if (g.outputs.includes(from)) return false;
  for (const m of g.nodes) m.inputs = m.inputs.map((i) => (i === from ? to : i));
  g.nodes.splice(g.nodes.indexOf(n), 1);
  delete g.tensors[from];
  return true;
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** Reshape of a single-use Reshape is one Reshape; a Reshape to its input's own shape is nothing. */
function collapseReshapes(g: Graph): boolean {
  for (const n of g.nodes) {
    if (n.op !== 'Reshape') continue;
    const prev = producerOf(g, n.inputs[0]);
    if (prev?.op === 'Reshape' && singleUse(g, n.inputs[0])) {
      n.inputs[0] = prev.inputs[0];
      return dropIdentity(g, prev) || true;
    }
    if (sameShape(g.tensors[n.inputs[0]].shape, g.tensors[n.outputs[0]].shape) && dropIdentity(g, n)) return true;
  }
  return false;
}

/** Transpose(Transpose(x, a), b) with a∘b the identity is x (layout round trips around a reshape that went away). */
function cancelTransposes(g: Graph): boolean {
  for (const n of g.nodes) {
    if (n.op !== 'Transpose') continue;
    const prev = producerOf(g, n.inputs[0]);
    if (prev?.op !== 'Transpose' || !singleUse(g, n.inputs[0])) continue;
    const composed = n.attrs.perm.map((p) => prev.attrs.perm[p]);
    if (!composed.every((p, i) => p === i) || g.outputs.includes(n.outputs[0])) continue;
    n.inputs[0] = prev.inputs[0];
    g.nodes.splice(g.nodes.indexOf(prev), 1);
    delete g.tensors[prev.outputs[0]];
    return dropIdentity(g, n) || true;
  }
  return false;
}

/** Largest tensor whose layout chain is traced element by element when looking for a channel shuffle. */
const SHUFFLE_TRACE_LIMIT = 1 << 20;

/** A chain of single-use Reshape/Transpose nodes from tensor x back to x's shape that moves channels the way ShuffleNet's
 *  Reshape [N,g,C/g,H,W] → Transpose → Reshape does (after the layout transposes of an ONNX import) becomes one
 *  ChannelShuffle. The chain's effect is traced on element positions, so every spelling of the shuffle is found. */
function fuseChannelShuffle(g: Graph): boolean {
  for (const first of g.nodes) {
    if (first.op !== 'Reshape' && first.op !== 'Transpose') continue;
    const x = g.tensors[first.inputs[0]];
    const total = product(x.shape);
    const channels = x.shape[x.shape.length - 1];
    if (x.shape.length < 2 || channels < 4 || total > SHUFFLE_TRACE_LIMIT) continue;
    let pos = Int32Array.from({ length: total }, (_, i) => i); // pos[k]: x's element now at flat index k
    const chain: Node[] = [];
    let n: Node | undefined = first;
    while (n && (n.op === 'Reshape' || n.op === 'Transpose')) {
      if (n.op === 'Transpose') {
        const order = transposedOrder(g.tensors[n.inputs[0]].shape, n.attrs.perm);
        const prev = pos;
        pos = Int32Array.from(order, (k) => prev[k]);
      }
      chain.push(n);
      const out: string = n.outputs[0];
      if (chain.length >= 2 && sameShape(g.tensors[out].shape, x.shape)) {
        const groups = shuffleGroups(pos, channels);
        if (groups !== undefined) {
          replaceChain(g, chain, { name: n.name, op: 'ChannelShuffle', inputs: [x.name], outputs: [out], attrs: { groups } });
          return true;
        }
      }
      if (!singleUse(g, out)) break;
      n = consumers(g, out)[0];
    }
  }
  return false;
}

/** The group count g when pos moves channel i·(C/g) + j of each pixel to channel j·g + i, else undefined. */
function shuffleGroups(pos: Int32Array, channels: number): number | undefined {
  for (let groups = 2; groups < channels; groups++) {
    if (channels % groups !== 0) continue;
    const per = channels / groups;
    let ok = true;
    for (let k = 0; k < pos.length && ok; k++) {
      const c = k % channels;
      ok = pos[k] === k - c + (c % groups) * per + Math.floor(c / groups);
    }
    if (ok) return groups;
  }
  return undefined;
}

/** Replaces the nodes of `chain` (each feeding the next) by `node`, dropping the tensors between them. */
function replaceChain(g: Graph, chain: Node[], node: Node): void {
  const at = g.nodes.indexOf(chain[chain.length - 1]);
  g.nodes[at] = node;
  for (const n of chain.slice(0, -1)) {
    g.nodes.splice(g.nodes.indexOf(n), 1);
    delete g.tensors[n.outputs[0]];
  }
}

/** Replaces `remove` by wiring its output to `keep`'s output (keep's output tensor disappears). */
function bypass(g: Graph, keep: Node, remove: Node): void {
  const dead = keep.outputs[0];
  keep.outputs[0] = remove.outputs[0];
  g.nodes.splice(g.nodes.indexOf(remove), 1);
  delete g.tensors[dead];
}

/** y = (x - mean)/sqrt(var+eps)·γ + β folded into W·s and (b - mean)·s + β, with s = γ/sqrt(var+eps), per output channel. */
function foldBatchNorm(g: Graph): boolean {
  for (const bn of g.nodes) {
    if (bn.op !== 'BatchNormalization') continue;
    const prev = producerOf(g, bn.inputs[0]);
    if (!prev || opDef(prev.op).weightChannelAxis === null || !singleUse(g, bn.inputs[0])) continue;
    if ((prev.attrs as { activation: Activation }).activation !== 'none') continue;
    const [gamma, beta, mean, variance] = bn.inputs.slice(1).map((n) => g.tensors[n]?.data);
    if (!gamma || !beta || !mean || !variance || !g.tensors[prev.inputs[1]]?.data) continue;
    if (g.tensors[prev.inputs[1]].dtype !== 'f32' || (prev.inputs[2] && g.tensors[prev.inputs[2]]?.dtype !== 'f32')) continue; // quantized: scales would change
    const eps = (bn.attrs as { epsilon: number }).epsilon;
    const channels = gamma.length;
    const scale = Array.from(gamma, (v, c) => v / Math.sqrt(variance[c] + eps));
    const wName = ownedConstant(g, prev, 1, 'bnfold');
    const w = g.tensors[wName].data!;
    // Output channel of each weight: first axis for Dense/Conv2D (O…), last axis for depthwise ([1,KH,KW,C·m]).
    const perChannel = w.length / channels;
    for (let i = 0; i < w.length; i++) {
      const c = prev.op === 'DepthwiseConv2D' ? i % channels : Math.floor(i / perChannel);
      w[i] = w[i] * scale[c];
    }
    let bName = prev.inputs[2];
    if (!bName) {
      bName = `${prev.name}_bias`;
      for (let i = 1; Object.hasOwn(g.tensors, bName); i++) bName = `${prev.name}_bias_${i}`;
      g.tensors[bName] = { name: bName, shape: [channels], dtype: 'f32', data: new Float32Array(channels) };
      prev.inputs[2] = bName;
    } else bName = ownedConstant(g, prev, 2, 'bnfold');
    const b = g.tensors[bName].data!;
    for (let c = 0; c < channels; c++) b[c] = (b[c] - mean[c]) * scale[c] + beta[c];
    bypass(g, prev, bn);
    return true;
  }
  return false;
}

/** The fused activation a standalone node amounts to: Relu and Clip(0, ∞) → 'relu', Clip(0, 6) → 'relu6'. */
function activationOf(n: Node): Activation | undefined {
  if (n.op === 'Relu') return 'relu';
  if (n.op === 'Clip' && n.attrs.min === 0 && n.attrs.max === 6) return 'relu6';
  if (n.op === 'Clip' && n.attrs.min === 0 && n.attrs.max === Infinity) return 'relu';
  return undefined;
}

/** Folds every standalone Relu / Relu6-style Clip into the fused `activation` of the node producing its input (ops whose
 *  OpDef says `fusedActivation`), so int8 kernels clamp in one step and the producer's output range already excludes
 *  negatives. Edits `g` in place (callers pass a clone) and returns the names of the removed activation nodes. */
export function fuseActivations(g: Graph): string[] {
  const fused: string[] = [];
  for (let name = fuseActivation(g); name !== undefined; name = fuseActivation(g)) fused.push(name);
  return fused;
}

/** Fuses one activation into its producer when the producer's result has no other reader, and returns its name.
 *  Elementwise activations commute with Transpose/Reshape, so the producer may sit behind a chain of single-use
 *  layout ops. */
function fuseActivation(g: Graph): string | undefined {
  for (const act of g.nodes) {
    const kind = activationOf(act);
    if (!kind) continue;
    let prev = producerOf(g, act.inputs[0]);
    let direct = true;
    while (prev && (prev.op === 'Transpose' || prev.op === 'Reshape') && singleUse(g, prev.outputs[0])) {
      prev = producerOf(g, prev.inputs[0]);
      direct = false;
    }
    if (!prev || !opDef(prev.op).fusedActivation || !singleUse(g, prev.outputs[0])) continue;
    const attrs = prev.attrs as { activation: Activation };
    if (attrs.activation !== 'none') continue;
    if (direct) {
      attrs.activation = kind;
      bypass(g, prev, act);
      return act.name;
    }
    if (g.outputs.includes(act.outputs[0])) continue;
    attrs.activation = kind;
    dropIdentity(g, act);
    return act.name;
  }
  return undefined;
}

/** Transpose(x) → Reshape to [N, features] → Dense: permute the Dense's input columns instead and drop the Transpose. */
function foldFlattenTranspose(g: Graph): boolean {
  for (const tr of g.nodes) {
    if (tr.op !== 'Transpose') continue;
    const perm = tr.attrs.perm;
    const x = g.tensors[tr.inputs[0]];
    const tOut = tr.outputs[0];
    if (perm[0] !== 0 || !singleUse(g, tOut)) continue;
    const rs = consumers(g, tOut)[0];
    if (rs.op !== 'Reshape' || !singleUse(g, rs.outputs[0])) continue;
    const flat = g.tensors[rs.outputs[0]].shape;
    if (flat.length !== 2 || flat[0] !== x.shape[0]) continue;
    const dense = consumers(g, rs.outputs[0])[0];
    if (dense.op !== 'Dense' || dense.inputs[0] !== rs.outputs[0] || !g.tensors[dense.inputs[1]]?.data) continue;
    if (g.tensors[dense.inputs[1]].storage && g.tensors[dense.inputs[1]].storage!.kind !== 'dense') continue; // packed: indices would move
    // pos[k] = index in x's (per-sample) order of the k-th feature after the transpose.
    const inner = x.shape.slice(1);
    const n = product(inner);
    const pos = transposedOrder(
      inner,
      perm.slice(1).map((p) => p - 1),
    );
    const wName = ownedConstant(g, dense, 1, 'unpermuted');
    const w = g.tensors[wName].data!;
    const rows = w.length / n;
    const old = w.slice();
    for (let o = 0; o < rows; o++) for (let k = 0; k < n; k++) w[o * n + pos[k]] = old[o * n + k];
    const mask = g.tensors[wName].mask; // a pruning mask moves with its weights
    if (mask) {
      const m = mask.slice();
      for (let o = 0; o < rows; o++) for (let k = 0; k < n; k++) mask[o * n + pos[k]] = m[o * n + k];
    }
    rs.inputs[0] = tr.inputs[0];
    g.nodes.splice(g.nodes.indexOf(tr), 1);
    delete g.tensors[tOut];
    return true;
  }
  return false;
}

/** For each element of a Gather or Slice output in order, its flat index in the input of shape `shape`. */
function pickedOrder(n: Node<'Gather' | 'Slice'>, shape: number[]): number[] {
  const strides = shape.map((_, i) => product(shape.slice(i + 1)));
  if (n.op === 'Gather') {
    const { axis, indices } = n.attrs;
    const a = axis < 0 ? axis + shape.length : axis;
    const [outer, inner] = [product(shape.slice(0, a)), strides[a]];
    const pos: number[] = [];
    for (let o = 0; o < outer; o++) for (const i of indices) for (let k = 0; k < inner; k++) pos.push(o * shape[a] * inner + i * inner + k);
    return pos;
  }
  const { starts, ends, steps } = n.attrs;
  let pos = [0];
  shape.forEach((_, d) => {
    const taken: number[] = [];
    for (let i = starts[d]; steps[d] > 0 ? i < ends[d] : i > ends[d]; i += steps[d]) taken.push(i * strides[d]);
    pos = pos.flatMap((p) => taken.map((t) => p + t));
  });
  return pos;
}

/** A GRU/LSTM writing every step whose output only reaches, through single-use Reshape/Transpose/Gather/Slice nodes,
 *  a tensor holding exactly its last step (the exporters' `y[:, -1, :]`) writes that step alone: the chain becomes one
 *  (aliased) Reshape and the T-step buffer leaves the arena. The chain is traced element by element, as for shuffles. */
function lastStepOnly(g: Graph): boolean {
  for (const rnn of g.nodes) {
    if ((rnn.op !== 'GRU' && rnn.op !== 'LSTM') || !rnn.attrs.sequenceOutput || !singleUse(g, rnn.outputs[0])) continue;
    const y = g.tensors[rnn.outputs[0]];
    const [steps, batch, hidden] = y.shape;
    if (product(y.shape) > SHUFFLE_TRACE_LIMIT) continue;
    const lastAt = (rnn.attrs.reverse ? 0 : steps - 1) * batch * hidden;
    let pos = Array.from({ length: product(y.shape) }, (_, i) => i);
    const chain: Node[] = [];
    let n: Node | undefined = consumers(g, y.name)[0];
    while (
      n &&
      (n.op === 'Reshape' || n.op === 'Transpose' || n.op === 'Gather' || n.op === 'Slice') &&
      n.inputs[0] === (chain.at(-1)?.outputs[0] ?? y.name)
    ) {
      const inShape = g.tensors[n.inputs[0]].shape;
      const order = n.op === 'Transpose' ? transposedOrder(inShape, n.attrs.perm) : n.op === 'Reshape' ? null : pickedOrder(n, inShape);
      if (order) {
        const prev = pos;
        pos = order.map((k) => prev[k]);
      }
      chain.push(n);
      if (pos.length === batch * hidden && pos.every((p, k) => p === lastAt + k)) {
        const last = `${y.name}__last_step`;
        g.tensors[last] = { ...y, name: last, shape: [1, batch, hidden] };
        rnn.attrs = { ...rnn.attrs, sequenceOutput: false };
        rnn.outputs[0] = last;
        replaceChain(g, chain, {
          name: n.name,
          op: 'Reshape',
          inputs: [last],
          outputs: [n.outputs[0]],
          attrs: { shape: [...g.tensors[n.outputs[0]].shape] },
        });
        delete g.tensors[y.name];
        return true;
      }
      if (!singleUse(g, n.outputs[0])) break;
      n = consumers(g, n.outputs[0])[0];
    }
  }
  return false;
}

/** For each element of transpose(x, perm) in order, its flat index in x (x of shape `shape`). */
function transposedOrder(shape: number[], perm: number[]): number[] {
  const strides = shape.map((_, i) => product(shape.slice(i + 1)));
  const outShape = perm.map((p) => shape[p]);
  const idx = new Array<number>(shape.length).fill(0);
  const pos: number[] = [];
  for (let k = 0; k < product(shape); k++) {
    pos.push(idx.reduce((s, v, d) => s + v * strides[perm[d]], 0));
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
  return pos;
}

function dropUnusedTensors(g: Graph): void {
  const used = new Set<string>([...g.inputs, ...g.outputs, ...g.nodes.flatMap((n) => [...n.inputs, ...n.outputs])]);
  for (const name of Object.keys(g.tensors)) if (!used.has(name)) delete g.tensors[name];
}
