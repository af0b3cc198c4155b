// Physically removes channel groups found by prune-channel-groups: slices the producing Dense/Conv rows, the
// following BatchNorm / depthwise per-channel parameters and the input columns of every consumer, then re-infers shapes.
import { TinyforgeError } from '../diagnostics.ts';
import type { Graph, Tensor } from '../ir/graph.ts';
import { cloneGraph } from '../ir/graph.ts';
import { inferShapes } from '../ir/shape-inference.ts';
import { analyzeChannels, keptIndices, type ChannelAnalysis } from './prune-channel-groups.ts';

/** Copies the slices of `t` along `axis` listed in `keep` (also its mask). */
export function sliceAxis(t: Tensor, axis: number, keep: number[]): void {
  const shape = t.shape;
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const dim = shape[axis]!;
  const pick = <T extends Float32Array | Int8Array | Int32Array | Uint8Array>(src: T): T => {
    const dst = new (src.constructor as new (n: number) => T)(outer * keep.length * inner);
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < keep.length; k++) {
        const from = (o * dim + keep[k]!) * inner;
        dst.set(src.subarray(from, from + inner) as never, (o * keep.length + k) * inner);
      }
    }
    return dst;
  };
  t.data = pick(t.data!);
  if (t.mask) t.mask = pick(t.mask);
  t.shape = shape.map((d, i) => (i === axis ? keep.length : d));
}

/**
 * Removes `remove.get(root)` channel indices from each root group; returns a new graph (shapes re-inferred).
 * Refuses a frozen group ('not-prunable') and a group left with no channel ('prune-to-zero').
 */
export function removeChannels(g: Graph, remove: Map<number, number[]>, analysis: ChannelAnalysis = analyzeChannels(g)): Graph {
  const keep = new Map<number, number[]>();
  for (const [id, drop] of remove) {
    const gr = analysis.groups[analysis.root(id)]!;
    const where = { node: gr.sources.join(', ') || undefined };
    if (gr.frozen) {
      throw new TinyforgeError(
        'not-prunable',
        `channels of ${gr.sources.map((s) => `"${s}"`).join(', ') || `group ${gr.id}`} cannot be removed: ${gr.frozen}`,
        {
          location: where,
          hint: 'prune hidden layers only; the width of outputs and inputs is fixed',
        },
      );
    }
    const dropSet = new Set(drop);
    const k = [...Array(gr.size).keys()].filter((i) => !dropSet.has(i));
    if (k.length === 0) {
      throw new TinyforgeError(
        'prune-to-zero',
        `removing all ${gr.size} channels of ${gr.sources.map((s) => `"${s}"`).join(', ')} would disconnect the network`,
        {
          location: where,
          hint: 'keep at least one channel per layer (lower the target or the per-step fraction)',
        },
      );
    }
    if (k.length < gr.size) keep.set(gr.id, k);
  }
  const out = cloneGraph(g);
  if (keep.size === 0) return out;
  const kept = (t: string) => keptIndices(analysis, t, keep);
  const changed = (t: string) => {
    const k = kept(t);
    return k && k.length !== g.tensors[t]!.shape.at(-1) ? k : undefined;
  };
  for (const n of out.nodes) {
    const kIn = n.inputs[0] ? changed(n.inputs[0]) : undefined;
    const kOut = changed(n.outputs[0]!);
    const param = (i: number) => out.tensors[n.inputs[i] ?? '']!;
    switch (n.op) {
      case 'Dense':
        if (kOut) {
          sliceAxis(param(1), 0, kOut);
          if (n.inputs[2]) sliceAxis(param(2), 0, kOut);
        }
        if (kIn) sliceAxis(param(1), 1, kIn);
        break;
      case 'Conv2D':
        if (kOut) {
          sliceAxis(param(1), 0, kOut);
          if (n.inputs[2]) sliceAxis(param(2), 0, kOut);
        }
        if (kIn) sliceAxis(param(1), 3, kIn);
        break;
      case 'DepthwiseConv2D':
        if (kOut) {
          sliceAxis(param(1), 3, kOut);
          if (n.inputs[2]) sliceAxis(param(2), 0, kOut);
        }
        break;
      case 'BatchNormalization':
        if (kOut) for (let i = 1; i <= 4; i++) sliceAxis(param(i), 0, kOut);
        break;
      case 'Reshape':
        if (kOut && n.attrs.shape.at(-1) !== -1) n.attrs.shape = [...n.attrs.shape.slice(0, -1), kOut.length];
        break;
      default:
        break;
    }
  }
  return inferShapes(out);
}

/** Convenience for tests and library users: remove output neurons/filters of named layers ({ fc1: [0, 5] }). */
export function pruneNeurons(g: Graph, byNode: Record<string, number[]>): Graph {
  const a = analyzeChannels(g);
  const remove = new Map<number, number[]>();
  for (const [node, idx] of Object.entries(byNode)) {
    const id = a.groupOf(node);
    if (id === undefined) {
      throw new TinyforgeError('not-prunable', `node "${node}" is not a Dense or Conv2D layer with float weights`, { location: { node } });
    }
    remove.set(id, [...new Set([...(remove.get(id) ?? []), ...idx])]);
  }
  return removeChannels(g, remove, a);
}
