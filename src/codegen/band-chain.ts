// Banded chains (patch-based inference): a run of int8 convolutions (Conv2D, DepthwiseConv2D) each read only by the
// next runs as one layer at the last one's place, one output row of the last layer at a time. Each layer computes just
// the rows its reader needs next, with its own kernel on a band of rows (a copy of its geometry with in_h, pad_top and
// out_h set to the band's, as conv-pool.ts does), into a window of full-width rows: the rows its reader's kernel spans,
// kept from one step to the next and shifted down by the reader's stride, so no row is computed twice. The chain's
// intermediates never exist whole: the arena holds the windows instead. The arithmetic is the same kernels' on the same
// rows, so the result is bit-exact with the unbanded layers (and the reference interpreter).
import type { Graph, Node } from '../ir/graph.ts';
import type { EmitContext, NodeContext, OpEmission } from './op-emitter.ts';
import { conv2dRunsOnBands } from './ops/conv2d.ts';
import { depthwiseBandScratch } from './ops/depthwise-conv2d.ts';
import { cComment } from './c-names.ts';
import { GEOMS, withLocalGeometry } from './conv-pool.ts';
import { ARENA_ALIGN } from './memory-planner.ts';

/** One layer of a chain: how its output rows map to input rows. */
export interface BandLayer {
  node: number;
  /** Row stride, pad_top, the input rows one window spans ((k_h − 1)·dil_h + 1), input and output heights, and the
   *  bytes of one input and one output row. */
  stride: number;
  padTop: number;
  span: number;
  inH: number;
  outH: number;
  inRowBytes: number;
  outRowBytes: number;
}

export interface BandChain {
  /** Node indices in order; the chain runs at the last one's place. */
  nodes: number[];
  layers: BandLayer[];
  /** Output rows of the last layer per step. */
  rowsPerStep: number;
  /** Per intermediate (output of layers[i], i < last): the rows its window holds at most. */
  windowRows: number[];
  /** Kernel scratch the layers share (the largest any of them takes on its bands), after the windows. */
  kernelScratch: number;
}

const alignUp = (n: number): number => Math.ceil(n / ARENA_ALIGN) * ARENA_ALIGN;

/** Bytes of the window of intermediate i. */
function windowBytes(c: BandChain, i: number): number {
  return alignUp(c.windowRows[i] * c.layers[i].outRowBytes);
}

/** The chain's scratch at its last layer: the windows, then the kernels' scratch. */
export function chainScratchBytes(c: BandChain): number {
  return c.windowRows.reduce((sum, _, i) => sum + windowBytes(c, i), 0) + c.kernelScratch;
}

/** The schedule the generated loop follows (the C below computes the same figures at run time): per step of
 *  `rowsPerStep` output rows of the last layer, from the last layer back, how many rows each layer must have made (`need`) and the first row its
 *  reader still reads (`lo`); then, from the first layer on, each window drops the rows before `lo` and each layer
 *  makes its rows [done, need) in one call. Returns each window's most rows and each layer's band heights (its calls'
 *  out_h), or undefined when some call would read no image row or a reader would skip rows its window never held. */
function schedule(layers: readonly BandLayer[], rowsPerStep: number): { windowRows: number[]; bandRows: number[][] } | undefined {
  const n = layers.length;
  const done = new Array<number>(n).fill(0);
  const first = new Array<number>(n - 1).fill(0); // each window's first row
  const windowRows = new Array<number>(n - 1).fill(0);
  const bandRows = layers.map(() => new Set<number>());
  const last = layers[n - 1];
  for (let r = 0; r < last.outH; r += rowsPerStep) {
    const need = [...done];
    const lo = [...first];
    need[n - 1] = Math.min(last.outH, r + rowsPerStep);
    for (let i = n - 1; i > 0; i--) {
      if (need[i] <= done[i]) continue;
      const l = layers[i];
      lo[i - 1] = Math.max(0, done[i] * l.stride - l.padTop);
      need[i - 1] = Math.max(done[i - 1], Math.min(l.inH, (need[i] - 1) * l.stride - l.padTop + l.span));
    }
    for (let i = 0; i < n - 1; i++) {
      if (lo[i] <= first[i]) continue;
      if (lo[i] > done[i]) return undefined; // rows its reader skips: not a sliding window
      first[i] = lo[i];
    }
    for (let i = 0; i < n; i++) {
      if (need[i] <= done[i]) continue;
      const l = layers[i];
      const top = done[i] * l.stride - l.padTop;
      const end = Math.min(l.inH, (need[i] - 1) * l.stride - l.padTop + l.span);
      if (end - Math.max(0, top) <= 0) return undefined;
      bandRows[i].add(need[i] - done[i]);
      if (i < n - 1) windowRows[i] = Math.max(windowRows[i], need[i] - first[i]);
      done[i] = need[i];
    }
  }
  return { windowRows, bandRows: bandRows.map((s) => [...s]) };
}

/** Whether node `node` can be a chain layer, and its BandLayer. */
function bandLayer(g: Graph, index: number): BandLayer | undefined {
  const node = g.nodes[index];
  if (node.op !== 'Conv2D' && node.op !== 'DepthwiseConv2D') return undefined;
  const c = node as Node<'Conv2D' | 'DepthwiseConv2D'>;
  const x = g.tensors[c.inputs[0]];
  const y = g.tensors[c.outputs[0]];
  if (x.shape.length !== 4 || x.shape[0] !== 1 || x.dtype !== 'i8' || y.dtype !== 'i8') return undefined;
  const kH = g.tensors[c.inputs[1]].shape[1];
  const a = c.attrs;
  return {
    node: index,
    stride: a.strides[0],
    padTop: a.pads[0],
    span: (kH - 1) * a.dilations[0] + 1,
    inH: x.shape[1],
    outH: y.shape[1],
    inRowBytes: x.shape[2] * x.shape[3],
    outRowBytes: y.shape[2] * y.shape[3],
  };
}

/** The scratch node `index`'s kernel takes on bands of these heights, or undefined when it cannot run on bands. */
export type BandScratch = (index: number, bandRows: readonly number[]) => number | undefined;

/** The band scratch rule of each op a chain takes: its op's own (ops/conv2d.ts, ops/depthwise-conv2d.ts); a conv's
 *  kernels take scratch that does not follow the rows, so it is the whole layer's (`scratch`). */
export function bandScratchRule(g: Graph, contextOf: (node: Node) => NodeContext, scratch: readonly number[]): BandScratch {
  return (index, rows) => {
    const node = g.nodes[index];
    if (node.op === 'Conv2D') return conv2dRunsOnBands(contextOf(node) as NodeContext<Node<'Conv2D'>>) ? scratch[index] : undefined;
    if (node.op === 'DepthwiseConv2D') return depthwiseBandScratch(contextOf(node) as NodeContext<Node<'DepthwiseConv2D'>>, rows);
    return undefined;
  };
}

/** The chain of nodes `nodes` (each the one reader of the one before), making `rowsPerStep` output rows a step, or
 *  undefined when it cannot run banded. */
export function bandChain(g: Graph, nodes: readonly number[], bandScratch: BandScratch, rowsPerStep = 1): BandChain | undefined {
  const layers: BandLayer[] = [];
  for (const i of nodes) {
    const l = bandLayer(g, i);
    if (!l) return undefined;
    layers.push(l);
  }
  const s = schedule(layers, rowsPerStep);
  if (!s) return undefined;
  let kernelScratch = 0;
  for (const [i, l] of layers.entries()) {
    const bytes = bandScratch(l.node, s.bandRows[i]);
    if (bytes === undefined) return undefined;
    kernelScratch = Math.max(kernelScratch, bytes);
  }
  return { nodes: [...nodes], layers, rowsPerStep, windowRows: s.windowRows, kernelScratch };
}

/** The runs of ≥ 2 nodes that could form chains: each node's output is read by the next node only (as its data
 *  input), is no graph output, and neither node is in `taken` (fused elsewhere). Longest runs; callers pick sub-runs. */
export function chainRuns(g: Graph, taken: ReadonlySet<number>): number[][] {
  const runs: number[][] = [];
  let run: number[] = [];
  const close = (): void => {
    if (run.length >= 2) runs.push(run);
    run = [];
  };
  g.nodes.forEach((node, i) => {
    if (taken.has(i) || bandLayer(g, i) === undefined) return close();
    const prev = run[run.length - 1];
    if (prev !== undefined && !feedsOnly(g, prev, i)) close();
    run.push(i);
  });
  close();
  return runs;
}

/** True when node a's output is read by node b alone, as b's data input, and is no graph output. */
function feedsOnly(g: Graph, a: number, b: number): boolean {
  const out = g.nodes[a].outputs[0];
  if (g.outputs.includes(out) || g.nodes[b].inputs[0] !== out) return false;
  return g.nodes.every((n, j) => j === b || !n.inputs.includes(out)) && g.nodes[b].inputs.indexOf(out, 1) < 0;
}

/** The most layers one chain takes: what the arena gains from banding is the few large intermediates of a run, while
 *  the candidates (and memory plans) to compare grow with the square of the length. */
export const MAX_CHAIN_LAYERS = 8;

/** Picks chains from `runs` while the arena shrinks: each round takes the sub-run (of at most MAX_CHAIN_LAYERS layers)
 *  whose chain gives the smallest arena together with the chains taken so far (fewer layers first among equals),
 *  while it is smaller than without it. Then each chain makes as many rows a step (doubling from 1) as keep that
 *  arena: each kernel call has a cost of its own (VWW on mps2-an386: +3.4% instructions at one row a step, +0.5% at
 *  four). `arenaWith` plans memory for a set of chains. */
export function chooseChains(
  g: Graph,
  runs: readonly number[][],
  bandScratch: BandScratch,
  arenaWith: (chains: readonly BandChain[]) => number,
): BandChain[] {
  const candidates: BandChain[] = [];
  for (const run of runs)
    for (let a = 0; a < run.length; a++)
      for (let b = a + 2; b <= Math.min(run.length, a + MAX_CHAIN_LAYERS); b++) {
        const c = bandChain(g, run.slice(a, b), bandScratch);
        if (c) candidates.push(c);
      }
  const chosen: BandChain[] = [];
  let best = arenaWith(chosen);
  for (;;) {
    const used = new Set(chosen.flatMap((c) => c.nodes));
    let pick: { chain: BandChain; arena: number } | undefined;
    for (const c of candidates) {
      if (c.nodes.some((i) => used.has(i))) continue;
      const arena = arenaWith([...chosen, c]);
      if (arena < (pick?.arena ?? best) || (pick && arena === pick.arena && c.nodes.length < pick.chain.nodes.length))
        pick = { chain: c, arena };
    }
    if (!pick) break;
    chosen.push(pick.chain);
    best = pick.arena;
  }
  for (const [i, c] of chosen.entries()) {
    for (let rows = 2; rows < c.layers[c.layers.length - 1].outH; rows *= 2) {
      const wider = bandChain(g, c.nodes, bandScratch, rows);
      if (!wider) break;
      const trial = chosen.map((d, j) => (j === i ? wider : d));
      if (arenaWith(trial) > best) break;
      chosen[i] = wider;
    }
  }
  return chosen;
}

/** The chain's C: a block at its last layer's place. `ctxs` are the layers' emit contexts, `emitters` their emitters,
 *  `scratchOffset` where the planner put the last layer's scratch (the windows, then the kernels' scratch). */
export function emitBandChain(
  c: BandChain,
  ctxs: readonly EmitContext[],
  emitters: readonly ((ctx: EmitContext) => OpEmission)[],
  scratchOffset: number,
): { kernels: string[]; block: string } {
  const n = c.layers.length;
  const last = c.layers[n - 1];
  const k = c.rowsPerStep;
  const lastNeed = last.outH % k === 0 ? `bc_r + ${k}` : `bc_r + ${k} < ${last.outH} ? bc_r + ${k} : ${last.outH}`;
  const windowAt: number[] = [];
  let at = scratchOffset;
  for (let i = 0; i < n - 1; i++) {
    windowAt.push(at);
    at += windowBytes(c, i);
  }
  const kernelScratchAt = at;
  const lines: string[] = [];
  const decls: string[] = [];
  const kernels: string[] = [];
  const names = ctxs.map((ctx) => cComment(ctx.node.name));
  const calls = c.layers.map((l, i) => {
    const ctx = ctxs[i];
    const x = ctx.node.inputs[0];
    const y = ctx.node.outputs[0];
    const e = withLocalGeometry(
      {
        ...ctx,
        ptr: (name) => {
          if (name === x)
            return i === 0
              ? `(${ctx.ptr(name)} + bc_lo * ${l.inRowBytes})`
              : `((const int8_t *)(arena + ${windowAt[i - 1]}) + (bc_lo - bc_first${i - 1}) * ${l.inRowBytes})`;
          if (name === y)
            return i === n - 1
              ? `(${ctx.ptr(name)} + bc_done${i} * ${l.outRowBytes})`
              : `((int8_t *)(arena + ${windowAt[i]}) + (bc_done${i} - bc_first${i}) * ${l.outRowBytes})`;
          return ctx.ptr(name);
        },
        scratch: (bytes) => {
          ctx.scratch(bytes); // the emitter's kernel and its op's scratch rule agree for the whole layer
          return c.kernelScratch > 0 ? `arena + ${kernelScratchAt}, ${c.kernelScratch}` : 'NULL, 0';
        },
      },
      `bc_g${i}`,
      emitters[i],
    );
    kernels.push(e.kernel!);
    decls.push(`    ${e.ctype} bc_g${i} = ${e.geom};`);
    return { call: e.call, field: (v: string) => (GEOMS[e.ctype] === 'int16_t' ? `(int16_t)(${v})` : v) };
  });
  const doneDecl = c.layers.map((_, i) => `bc_done${i} = 0`).join(', ');
  const firstDecl = c.windowRows.map((_, i) => `bc_first${i} = 0`).join(', ');
  lines.push(
    `  {`,
    `    /* ${n} layers banded: per ${c.rowsPerStep} output row(s) of the last, each makes the rows its reader needs next into its window of rows */`,
    ...decls,
    `    int32_t ${doneDecl}, ${firstDecl};`,
    `    for (int32_t bc_r = 0; bc_r < ${last.outH}; bc_r += ${c.rowsPerStep}) {`,
    `      int32_t ${c.layers.map((_, i) => (i === n - 1 ? `bc_need${i} = ${lastNeed}` : `bc_need${i} = bc_done${i}`)).join(', ')};`,
    `      int32_t ${c.windowRows.map((_, i) => `bc_lo${i} = bc_first${i}`).join(', ')};`,
  );
  // From the last layer back: the rows each layer must have made, and the first row its reader still reads.
  for (let i = n - 1; i > 0; i--) {
    const l = c.layers[i];
    lines.push(
      `      if (bc_need${i} > bc_done${i}) {`,
      `        const int32_t bc_t = bc_done${i} * ${l.stride} - ${l.padTop}, bc_e = (bc_need${i} - 1) * ${l.stride} - ${l.padTop} + ${l.span};`,
      `        bc_lo${i - 1} = bc_t > 0 ? bc_t : 0;`,
      `        bc_need${i - 1} = bc_e < ${l.inH} ? bc_e : ${l.inH};`,
      `        if (bc_need${i - 1} < bc_done${i - 1}) bc_need${i - 1} = bc_done${i - 1};`,
      `      }`,
    );
  }
  // Each window drops the rows its reader is past.
  for (let i = 0; i < n - 1; i++) {
    const rb = c.layers[i].outRowBytes;
    lines.push(
      `      if (bc_lo${i} > bc_first${i}) {`,
      `        memmove(arena + ${windowAt[i]}, arena + ${windowAt[i]} + (bc_lo${i} - bc_first${i}) * ${rb}, (size_t)(bc_done${i} - bc_lo${i}) * ${rb}u);`,
      `        bc_first${i} = bc_lo${i};`,
      `      }`,
    );
  }
  // From the first layer on: each makes its rows [done, need) in one call.
  for (let i = 0; i < n; i++) {
    const l = c.layers[i];
    const { call, field } = calls[i];
    lines.push(
      `      if (bc_need${i} > bc_done${i}) { /* ${names[i]} */`,
      `        const int32_t bc_t = bc_done${i} * ${l.stride} - ${l.padTop}, bc_e = (bc_need${i} - 1) * ${l.stride} - ${l.padTop} + ${l.span};`,
      `        const int32_t bc_lo = bc_t > 0 ? bc_t : 0, bc_end = bc_e < ${l.inH} ? bc_e : ${l.inH};`,
      `        bc_g${i}.in_h = ${field('bc_end - bc_lo')};`,
      `        bc_g${i}.pad_top = ${field('bc_lo - bc_t')};`,
      `        bc_g${i}.out_h = ${field(`bc_need${i} - bc_done${i}`)};`,
      `        status = ${call};`,
      `        if (status != TFG_OK) return (int32_t)status;`,
      `        bc_done${i} = bc_need${i};`,
      `      }`,
    );
  }
  lines.push(`    }`, `  }`);
  return { kernels, block: lines.join('\n') };
}
