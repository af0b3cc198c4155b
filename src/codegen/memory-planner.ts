// Static arena planner: places every intermediate tensor, and each layer's kernel scratch, at an offset in one arena
// from their lifetimes, so the generated C needs no malloc and far less RAM than one buffer per tensor.
import { isConstant, product, type DType, type Graph, type Node } from '../ir/graph.ts';
import { opDef } from '../ir/ops/index.ts';

export const DTYPE_BYTES: Record<DType, number> = { f32: 4, i32: 4, i8: 1, u8: 1 };

/** Where a buffer lives: the arena, or the caller's input/output buffer of tfg_model_run. */
export type BufferHome = 'arena' | 'input' | 'output';

/** One arena buffer of a plan as tinyforge.json and report.json carry it. */
export interface ArenaBuffer {
  /** Tensors sharing the buffer (a Reshape's alias, an in-place chain), in layer order; none for a kernel's scratch. */
  tensors: string[];
  /** A kernel's scratch: the layer (node name) whose call alone uses it. */
  scratch_of?: string;
  /** Index of the layer that writes it first and of the last layer that reads it (layers are the graph's nodes). */
  first_layer: number;
  last_layer: number;
  offset: number;
  bytes: number;
}

/** The plan's arena buffers (not the caller's input and output), layers clamped to the graph's nodes. */
export function arenaBuffers(g: Graph, plan: MemoryPlan): ArenaBuffer[] {
  const last = g.nodes.length - 1;
  return plan.buffers
    .filter((b) => b.home === 'arena')
    .map((b) => ({
      tensors: b.tensors,
      ...(b.scratchOf !== undefined ? { scratch_of: g.nodes[b.scratchOf].name } : {}),
      first_layer: Math.max(0, b.start),
      last_layer: Math.min(last, b.end),
      offset: b.offset,
      bytes: b.size,
    }));
}

export interface PlannedBuffer {
  id: number;
  /** Tensors sharing this memory (Reshape aliases, in-place element-wise chains), in node order; none for scratch. */
  tensors: string[];
  /** A kernel's scratch: the index of the node whose call alone uses it (start = end = that index). */
  scratchOf?: number;
  /** First node index that writes it (−1 = graph input) and last node index that reads it (nodes.length = graph output). */
  start: number;
  end: number;
  /** Bytes, rounded up to the alignment. */
  size: number;
  home: BufferHome;
  /** Which graph input/output (index in g.inputs / g.outputs) for home 'input' / 'output'. */
  ioIndex: number;
  /** Arena offset (only for home 'arena'). */
  offset: number;
}

export interface MemoryPlan {
  arenaBytes: number;
  /** Sum of the sizes of all arena tensors and scratch buffers, as if each had its own buffer. */
  naiveBytes: number;
  /** Largest sum of simultaneously live arena buffers (scratch included): no placement can beat it. */
  lowerBound: number;
  /** Arena offset of every tensor placed in the arena (aliases share their buffer's offset). */
  offsets: Record<string, number>;
  /** Buffer of every non-constant tensor. */
  bufferOf: Record<string, number>;
  buffers: PlannedBuffer[];
  /** Each node's kernel scratch (node index → arena offset and bytes), for the nodes that take some. */
  scratch: Record<number, { offset: number; bytes: number }>;
}

/** Alignment of every arena offset, hence what an arena's base needs (C: TFG_ARENA_ALIGN; `<ID>_ARENA_ALIGN` in a model's
 *  header): enough for float and int32 loads on Cortex-M. */
export const ARENA_ALIGN = 4;

export interface PlanOptions {
  /** Offset and size granularity in bytes (default ARENA_ALIGN). */
  alignment?: number;
  /** Reuse a dying input for an element-wise output, and alias Reshape (default true). */
  inPlace?: boolean;
  /** Bytes of scratch each node's kernel takes during its call (index = node index; 0 or absent: none), from the ops'
   *  scratch rules. Placed like a tensor that lives during that node only. */
  scratch?: readonly number[];
  /** Per node index: its kernel may write over a same-sized dying input although its op's facts do not say so for
   *  every kernel (the ops' in-place rules). */
  kernelInPlace?: readonly boolean[];
  /** Nodes run inside a later layer `into` (a conv fused into its pool, conv-pool.ts; a banded chain's layer inside
   *  its last, band-chain.ts): the node's output is never stored whole (that layer's scratch holds it a band at a
   *  time), and its inputs live until that layer. */
  fused?: readonly { node: number; into: number }[];
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

export function tensorBytes(g: Graph, name: string): number {
  const t = g.tensors[name];
  return product(t.shape) * DTYPE_BYTES[t.dtype];
}

/** Plans the arena for graph `g` (nodes in topological order). */
export function planMemory(g: Graph, opts: PlanOptions = {}): MemoryPlan {
  const alignment = opts.alignment ?? ARENA_ALIGN;
  const inPlace = opts.inPlace ?? true;
  const n = g.nodes.length;
  const unstored = new Set((opts.fused ?? []).map((f) => g.nodes[f.node].outputs[0]));
  const isActivation = (name: string): boolean =>
    name !== '' && g.tensors[name] !== undefined && !isConstant(g.tensors[name]) && !unstored.has(name);

  // Lifetimes of tensors: [def, lastUse] in node indices.
  const def = new Map<string, number>();
  const lastUse = new Map<string, number>();
  for (const name of g.inputs) def.set(name, -1);
  g.nodes.forEach((node, i) => {
    for (const o of node.outputs) if (isActivation(o)) def.set(o, i);
    for (const x of node.inputs) if (isActivation(x)) lastUse.set(x, i);
  });
  for (const name of g.outputs) lastUse.set(name, n);
  for (const f of opts.fused ?? [])
    for (const x of g.nodes[f.node].inputs) if (isActivation(x)) lastUse.set(x, Math.max(lastUse.get(x) ?? f.into, f.into));

  // Union-find over tensors sharing memory.
  const parent = new Map<string, string>();
  const find = (t: string): string => {
    let r = t;
    while (parent.get(r) !== r) r = parent.get(r)!;
    return r;
  };
  for (const t of def.keys()) parent.set(t, t);
  const home = (t: string): BufferHome => (g.inputs.includes(t) ? 'input' : g.outputs.includes(t) ? 'output' : 'arena');
  const rootHome = new Map<string, BufferHome>();
  for (const t of def.keys()) rootHome.set(t, home(t));

  const tryMerge = (x: string, out: string, node: Node, i: number): boolean => {
    const rx = find(x);
    const ro = find(out);
    const hx = rootHome.get(rx)!;
    const ho = rootHome.get(ro)!;
    if (hx !== 'arena' && ho !== 'arena') return false; // caller input and output are different memory
    if (node.op !== 'Reshape') {
      // In place: x must die here, be writable, and have the output's exact byte size.
      if (lastUse.get(x) !== i || hx === 'input' || g.outputs.includes(x)) return false;
      if (tensorBytes(g, x) !== tensorBytes(g, out) || g.tensors[x].dtype !== g.tensors[out].dtype) return false;
      // Another live member of x's buffer (an alias still read later) would be clobbered.
      for (const [t] of parent) if (find(t) === rx && (lastUse.get(t) ?? def.get(t)!) > i) return false;
    } else if (tensorBytes(g, x) !== tensorBytes(g, out)) {
      return false;
    }
    parent.set(ro, rx);
    rootHome.set(rx, hx !== 'arena' ? hx : ho);
    return true;
  };

  // A layer that runs fused producers reads their inputs while it writes its output: never in place.
  const hosts = new Set((opts.fused ?? []).map((f) => f.into));
  if (inPlace) {
    g.nodes.forEach((node, i) => {
      const out = node.outputs[0];
      if (node.outputs.length !== 1 || !isActivation(out) || hosts.has(i)) return;
      if (node.op === 'Reshape') {
        if (isActivation(node.inputs[0])) tryMerge(node.inputs[0], out, node, i);
        return;
      }
      if (!opDef(node.op).inPlace && !opts.kernelInPlace?.[i]) return; // the kernel reads element i before writing it
      for (const x of node.inputs) if (isActivation(x) && tryMerge(x, out, node, i)) return;
    });
  }

  // Buffers from the union-find classes, in first-definition order for determinism.
  const byRoot = new Map<string, PlannedBuffer>();
  const ordered = [...def.keys()].sort((a, b) => def.get(a)! - def.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
  for (const t of ordered) {
    const r = find(t);
    let b = byRoot.get(r);
    if (!b) {
      const h = rootHome.get(r)!;
      const io = [...def.keys()].find((m) => find(m) === r && home(m) === h);
      const ioIndex = h === 'input' ? g.inputs.indexOf(io!) : h === 'output' ? g.outputs.indexOf(io!) : -1;
      b = { id: byRoot.size, tensors: [], start: Infinity, end: -Infinity, size: 0, home: h, ioIndex, offset: 0 };
      byRoot.set(r, b);
    }
    b.tensors.push(t);
    b.start = Math.min(b.start, def.get(t)!);
    b.end = Math.max(b.end, lastUse.get(t) ?? def.get(t)!);
    b.size = Math.max(b.size, alignUp(tensorBytes(g, t), alignment));
  }
  const buffers = [...byRoot.values()];
  (opts.scratch ?? []).forEach((bytes, i) => {
    if (bytes > 0)
      buffers.push({
        id: buffers.length,
        tensors: [],
        scratchOf: i,
        start: i,
        end: i,
        size: alignUp(bytes, alignment),
        home: 'arena',
        ioIndex: -1,
        offset: 0,
      });
  });
  const arena = buffers.filter((b) => b.home === 'arena');

  // Greedy best fit: each buffer, in turn, takes the smallest gap between already-placed buffers that overlap it in
  // time. Two orders, keeping the smaller arena (the first among equals): by size (large first), and by lifetime (long
  // first; a tensor living across several layers below the one-layer scratch of each, as banded chains' are).
  const place = (order: readonly PlannedBuffer[]): number => {
    const placed: PlannedBuffer[] = [];
    for (const b of order) {
      const conflicts = placed.filter((p) => p.start <= b.end && b.start <= p.end).sort((p, q) => p.offset - q.offset);
      let cursor = 0;
      let best = -1;
      let bestGap = Infinity;
      for (const p of conflicts) {
        const gap = p.offset - cursor;
        if (gap >= b.size && gap < bestGap) {
          best = cursor;
          bestGap = gap;
        }
        cursor = Math.max(cursor, p.offset + p.size);
      }
      b.offset = best >= 0 ? best : cursor;
      placed.push(b);
    }
    return arena.reduce((m, b) => Math.max(m, b.offset + b.size), 0);
  };
  const bySize = [...arena].sort((a, b) => b.size - a.size || a.start - b.start || a.id - b.id);
  const byLife = [...arena].sort((a, b) => b.end - b.start - (a.end - a.start) || b.size - a.size || a.start - b.start || a.id - b.id);
  const sized = place(bySize);
  const sizedAt = arena.map((b) => b.offset);
  if (place(byLife) >= sized) arena.forEach((b, i) => (b.offset = sizedAt[i]));

  const arenaBytes = arena.reduce((m, b) => Math.max(m, b.offset + b.size), 0);
  let lowerBound = 0;
  for (let t = 0; t < n; t++) {
    let live = 0;
    for (const b of arena) if (b.start <= t && t <= b.end) live += b.size;
    lowerBound = Math.max(lowerBound, live);
  }
  const offsets: Record<string, number> = Object.create(null);
  const bufferOf: Record<string, number> = Object.create(null);
  const scratch: MemoryPlan['scratch'] = {};
  let naiveBytes = 0;
  for (const b of buffers) {
    if (b.scratchOf !== undefined) {
      scratch[b.scratchOf] = { offset: b.offset, bytes: opts.scratch![b.scratchOf] };
      naiveBytes += b.size;
    }
    for (const t of b.tensors) {
      bufferOf[t] = b.id;
      if (b.home === 'arena') {
        offsets[t] = b.offset;
        naiveBytes += alignUp(tensorBytes(g, t), alignment);
      }
    }
  }
  return { arenaBytes, naiveBytes, lowerBound, offsets, bufferOf, buffers, scratch };
}
