// Finds which output channels of Dense/Conv layers can be removed together: channels coupled through Add are one group,
// Concat stacks groups, Flatten spreads a channel over H·W features (NHWC: channel c → h·W·C + w·C + c), and anything
// that needs a fixed width (graph outputs, Softmax, Transpose …) freezes the groups that reach it.
import type { Graph, Node } from '../ir/graph.ts';
import { product } from '../ir/graph.ts';
import { opDef } from '../ir/ops/index.ts';

/** A run of `count` channels of one group inside a tensor's last axis. */
export interface Part {
  group: number;
  count: number;
}

/** How a tensor's last axis is made of groups: `hw` copies (spatial positions, after a Flatten) of the parts. */
export interface Layout {
  parts: Part[];
  hw: number;
}

export interface ChannelGroup {
  id: number;
  size: number;
  /** Nodes whose output channels these are (Dense / Conv2D). Several when joined by Add. */
  sources: string[];
  /** Why this group must keep its width (null = prunable). */
  frozen: string | null;
}

export interface ChannelAnalysis {
  /** Every group (use `root()` to find the group that stands for merged ones). */
  groups: ChannelGroup[];
  layouts: Map<string, Layout>;
  root(id: number): number;
  /** Prunable root groups with at least one source, in graph order. */
  prunable(): ChannelGroup[];
  /** The root group of a source node's output channels. */
  groupOf(node: string): number | undefined;
}

const SPATIAL = new Set(['MaxPool', 'AveragePool', 'GlobalAveragePool']);

export function analyzeChannels(g: Graph): ChannelAnalysis {
  const groups: ChannelGroup[] = [];
  const parent: number[] = [];
  const layouts = new Map<string, Layout>();
  const sourceGroup = new Map<string, number>();

  const root = (id: number): number => (parent[id] === id ? id : (parent[id] = root(parent[id]!)));
  const newGroup = (size: number, source?: string, frozen: string | null = null): number => {
    const id = groups.length;
    groups.push({ id, size, sources: source ? [source] : [], frozen });
    parent.push(id);
    return id;
  };
  const union = (a: number, b: number) => {
    const [ra, rb] = [root(a), root(b)];
    if (ra === rb) return;
    parent[rb] = ra;
    const A = groups[ra]!;
    const B = groups[rb]!;
    A.sources.push(...B.sources);
    A.frozen ??= B.frozen;
  };
  const freeze = (tensor: string, why: string) => {
    for (const p of layouts.get(tensor)?.parts ?? []) groups[root(p.group)]!.frozen ??= why;
  };
  const lastDim = (t: string) => g.tensors[t]?.shape.at(-1) ?? 1;
  // A tensor nothing is known about: its own frozen group, so consumers can still be described uniformly.
  const opaque = (t: string, why: string) =>
    layouts.set(t, { parts: [{ group: newGroup(lastDim(t), undefined, why), count: lastDim(t) }], hw: 1 });
  const sameShape = (a: Layout, b: Layout) =>
    a.hw === b.hw && a.parts.length === b.parts.length && a.parts.every((p, i) => p.count === b.parts[i]!.count);

  for (const name of g.inputs) opaque(name, 'graph input');
  const isConst = (t: string) => g.tensors[t]?.data !== undefined;

  for (const n of g.nodes as Node[]) {
    const inL = layouts.get(n.inputs[0] ?? '');
    const out = n.outputs[0]!;
    const why = `reaches ${n.op} node "${n.name}"`;
    let outL: Layout | undefined;
    switch (n.op) {
      case 'Dense':
      case 'Conv2D': {
        const w = g.tensors[n.inputs[1] ?? ''];
        const plain = n.op === 'Dense' || n.attrs.groups === 1;
        if (!w?.data || w.dtype !== 'f32' || !plain) {
          freeze(n.inputs[0]!, why);
          break;
        }
        if (n.op === 'Dense' && inL && inL.hw === 1 && g.tensors[n.inputs[0]!]!.shape.length !== 2) freeze(n.inputs[0]!, why);
        const id = newGroup(w.shape[0]!, n.name);
        sourceGroup.set(n.name, id);
        outL = { parts: [{ group: id, count: w.shape[0]! }], hw: 1 };
        break;
      }
      case 'DepthwiseConv2D':
        if (n.attrs.multiplier === 1 && isConst(n.inputs[1]!) && inL?.hw === 1) outL = inL;
        else freeze(n.inputs[0]!, why);
        break;
      case 'BatchNormalization':
        if (inL?.hw === 1 && n.inputs.slice(1).every(isConst)) outL = inL;
        else freeze(n.inputs[0]!, why);
        break;
      case 'Pad': {
        const r = g.tensors[n.inputs[0]!]!.shape.length;
        if (n.attrs.pads[r - 1] === 0 && n.attrs.pads[2 * r - 1] === 0) outL = inL;
        else freeze(n.inputs[0]!, why);
        break;
      }
      case 'Add':
      case 'Sub':
      case 'Mul': {
        const b = layouts.get(n.inputs[1]!);
        if (inL && b && !isConst(n.inputs[1]!) && sameShape(inL, b) && lastDim(n.inputs[0]!) === lastDim(n.inputs[1]!)) {
          inL.parts.forEach((p, i) => union(p.group, b.parts[i]!.group));
          outL = inL;
        } else {
          freeze(n.inputs[0]!, why);
          freeze(n.inputs[1]!, why);
        }
        break;
      }
      case 'Concat': {
        const rank = g.tensors[out]!.shape.length;
        const axis = n.attrs.axis < 0 ? n.attrs.axis + rank : n.attrs.axis;
        const ls = n.inputs.map((i) => layouts.get(i));
        if (axis === rank - 1 && ls.every((l) => l?.hw === 1)) outL = { parts: ls.flatMap((l) => l!.parts), hw: 1 };
        else n.inputs.forEach((i) => freeze(i, why));
        break;
      }
      case 'Reshape': {
        const inShape = g.tensors[n.inputs[0]!]!.shape;
        const outShape = g.tensors[out]!.shape;
        if (inL && inL.hw === 1 && outShape.at(-1) === inShape.at(-1) && outShape[0] === inShape[0]) outL = inL;
        else if (inL && inL.hw === 1 && outShape.length === 2 && outShape[0] === inShape[0] && outShape[1] === product(inShape.slice(1))) {
          // NHWC flatten: feature index = (h·W + w)·C + c, so each channel recurs once per spatial position.
          outL = { parts: inL.parts, hw: product(inShape.slice(1, -1)) };
        } else freeze(n.inputs[0]!, why);
        break;
      }
      default:
        if (opDef(n.op).perElement) outL = inL;
        else if (SPATIAL.has(n.op) && inL?.hw === 1) outL = inL;
        else n.inputs.forEach((i) => freeze(i, why));
    }
    if (outL) layouts.set(out, outL);
    else opaque(out, `output of ${n.op} node "${n.name}"`);
  }
  for (const o of g.outputs) freeze(o, `reaches graph output "${o}"`);

  return {
    groups,
    layouts,
    root,
    prunable: () => groups.filter((gr) => root(gr.id) === gr.id && !gr.frozen && gr.sources.length > 0),
    groupOf: (node) => (sourceGroup.has(node) ? root(sourceGroup.get(node)!) : undefined),
  };
}

/** Indices kept along `tensor`'s last axis when each root group keeps `keep.get(root)` (default: all). */
export function keptIndices(a: ChannelAnalysis, tensor: string, keep: Map<number, number[]>): number[] | undefined {
  const l = a.layouts.get(tensor);
  if (!l) return undefined;
  const chans: number[] = [];
  let offset = 0;
  for (const p of l.parts) {
    const k = keep.get(a.root(p.group));
    if (k) for (const i of k) chans.push(offset + i);
    else for (let i = 0; i < p.count; i++) chans.push(offset + i);
    offset += p.count;
  }
  if (l.hw === 1) return chans;
  const out: number[] = [];
  for (let s = 0; s < l.hw; s++) for (const c of chans) out.push(s * offset + c);
  return out;
}
