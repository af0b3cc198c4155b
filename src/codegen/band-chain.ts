// Banded chains (patch-based inference): a run of int8 layers (Conv2D, DepthwiseConv2D, same-shape Add) each of whose
// outputs, but the last's, is read by later layers of the run alone runs as one layer at the last one's place, one
// output row of the last layer at a time. A run may branch and join: a residual block's input read by its first conv
// and its Add, or by two stride-2 convs. Each layer computes just the rows its readers need next (the most any of them
// asks for), with its own kernel on a band of rows (a copy of its geometry with in_h, pad_top and out_h set to the
// band's, as conv-pool.ts does; an Add row by row), into a window of full-width rows: from the first row any of its
// readers still reads (the least) up, kept from one step to the next and shifted down as they move on, so no row is
// computed twice. The chain's intermediates never exist whole: the arena holds the windows instead. The arithmetic is
// the same kernels' on the same rows, so the result is bit-exact with the unbanded layers (and the reference
// interpreter).
import { isConstant, type Graph, type Node } from '../ir/graph.ts';
import type { EmitContext, NodeContext, OpEmission } from './op-emitter.ts';
import { conv2dRunsOnBands } from './ops/conv2d.ts';
import { depthwiseBandScratch } from './ops/depthwise-conv2d.ts';
import { cComment } from './c-names.ts';
import { GEOMS, withLocalGeometry } from './conv-pool.ts';
import { ARENA_ALIGN } from './memory-planner.ts';

/** One layer of a chain: how its output rows map to input rows, and where its data inputs come from. */
export interface BandLayer {
  node: number;
  /** 'conv' (Conv2D, DepthwiseConv2D: one call of its kernel per band) or 'add' (an element-wise Add of two tensors of
   *  its output's shape: one call per row). */
  kind: 'conv' | 'add';
  /** Row stride, pad_top, the input rows one window spans ((k_h − 1)·dil_h + 1), input and output heights, and the
   *  bytes of one input and one output row. */
  stride: number;
  padTop: number;
  span: number;
  inH: number;
  outH: number;
  inRowBytes: number;
  outRowBytes: number;
  /** Per data input: the chain layer whose window it is, or −1 for a tensor stored whole outside the chain. */
  reads: number[];
}

export interface BandChain {
  /** Node indices in order; the chain runs at the last one's place. */
  nodes: number[];
  layers: BandLayer[];
  /** Output rows of the last layer per step, and the most rows each layer makes in one call (rowCaps). */
  rowsPerStep: number;
  caps: number[];
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

/** The first input row layer l reads to make its output rows from `done` on, and the end of the rows it reads to make
 *  them up to `need` (both clamped to the image). */
const firstRow = (l: BandLayer, done: number): number => Math.max(0, done * l.stride - l.padTop);
const endRow = (l: BandLayer, need: number): number => Math.min(l.inH, (need - 1) * l.stride - l.padTop + l.span);

/** The layers reading window w (their indices). */
const readersOf = (layers: readonly BandLayer[], w: number): number[] => layers.flatMap((l, j) => (l.reads.includes(w) ? [j] : []));

/** How many rows layer l can make once its input has `made` rows: those whose windows end within them. */
const makeable = (l: BandLayer, made: number): number =>
  made >= l.inH ? l.outH : made + l.padTop - l.span < 0 ? 0 : Math.floor((made + l.padTop - l.span) / l.stride) + 1;

/** The most rows each layer makes in one call: `rowsPerStep`, or with `steady` the rows a step of the last layer takes
 *  of it (the product of the strides on its way there: fewer calls, larger windows). */
export function rowCaps(layers: readonly BandLayer[], rowsPerStep: number, steady: boolean): number[] {
  const n = layers.length;
  const cap = new Array<number>(n).fill(rowsPerStep);
  if (steady)
    for (let i = n - 1; i > 0; i--) for (const p of layers[i].reads) if (p >= 0) cap[p] = Math.max(cap[p], cap[i] * layers[i].stride);
  return cap;
}

/** The input rows layers `readers` can use in their next calls (each at most its cap rows towards its need). */
function asked(
  layers: readonly BandLayer[],
  readers: readonly number[],
  need: readonly number[],
  done: readonly number[],
  cap: readonly number[],
): number {
  let ask = 0;
  for (const j of readers) ask = Math.max(ask, endRow(layers[j], Math.min(need[j], done[j] + cap[j])));
  return ask;
}

/** The schedule the generated loop follows (the C below computes the same figures at run time): per step of
 *  `rowsPerStep` output rows of the last layer, from the last layer back, how many rows each layer must have made
 *  (`need`: the most any of its readers asks for); then rounds until the last layer has its rows: each window drops the
 *  rows before the first one any unfinished reader still reads (at most the rows made), and from the first layer on,
 *  each layer makes in one call (an Add one call per row) the rows towards its need that its inputs allow and its
 *  readers can use in their next calls (asked), at most its cap (rowCaps). A reader consumes rows as they come instead
 *  of its producers making the whole look-ahead at once. (A round always makes rows: the first layer short of its need
 *  has its inputs' rows, and a layer its readers ask nothing of is not what blocks them.) Returns each window's most rows and each
 *  layer's band heights (its calls' out_h), or undefined when some call would read no image row (or a round stalled). */
function schedule(
  layers: readonly BandLayer[],
  rowsPerStep: number,
  cap: readonly number[],
): { windowRows: number[]; bandRows: number[][] } | undefined {
  const n = layers.length;
  const done = new Array<number>(n).fill(0);
  const first = new Array<number>(n - 1).fill(0); // each window's first row
  const windowRows = new Array<number>(n - 1).fill(0);
  const bandRows = layers.map(() => new Set<number>());
  const readers = layers.slice(0, -1).map((_, w) => readersOf(layers, w));
  const last = layers[n - 1];
  for (let r = 0; r < last.outH; r += rowsPerStep) {
    const need = [...done];
    need[n - 1] = Math.min(last.outH, r + rowsPerStep);
    for (let i = n - 1; i > 0; i--) {
      if (need[i] <= done[i]) continue;
      for (const p of layers[i].reads) if (p >= 0) need[p] = Math.max(need[p], endRow(layers[i], need[i]));
    }
    while (done[n - 1] < need[n - 1]) {
      for (let w = 0; w < n - 1; w++) {
        let lo = done[w];
        for (const j of readers[w]) if (done[j] < layers[j].outH) lo = Math.min(lo, firstRow(layers[j], done[j]));
        first[w] = Math.max(first[w], lo);
      }
      let moved = false;
      for (let i = 0; i < n; i++) {
        const l = layers[i];
        let to = Math.min(need[i], done[i] + cap[i]);
        for (const p of l.reads) if (p >= 0) to = Math.min(to, makeable(l, done[p]));
        if (i < n - 1) to = Math.min(to, asked(layers, readers[i], need, done, cap));
        if (to <= done[i]) continue;
        if (endRow(l, to) - firstRow(l, done[i]) <= 0) return undefined;
        bandRows[i].add(to - done[i]);
        if (i < n - 1) windowRows[i] = Math.max(windowRows[i], to - first[i]);
        done[i] = to;
        moved = true;
      }
      if (!moved) return undefined; // see above: never reached, but a chain that stalled would loop in C
    }
  }
  return { windowRows, bandRows: bandRows.map((s) => [...s]) };
}

/** Whether node `index` can be a chain layer, and its BandLayer (its `reads` still to fill in). */
function bandLayer(g: Graph, index: number): BandLayer | undefined {
  const node = g.nodes[index];
  const y = g.tensors[node.outputs[0]];
  if (node.outputs.length !== 1 || y.shape.length !== 4 || y.shape[0] !== 1 || y.dtype !== 'i8') return undefined;
  const rowBytes = y.shape[2] * y.shape[3];
  if (node.op === 'Add') {
    // Same shapes only (no broadcast): row r of each input makes row r of the output.
    const same = node.inputs.length === 2 && node.inputs.every((x) => g.tensors[x].dtype === 'i8' && !isConstant(g.tensors[x]));
    if (!same || !node.inputs.every((x) => g.tensors[x].shape.join() === y.shape.join())) return undefined;
    const h = y.shape[1];
    return {
      node: index,
      kind: 'add',
      stride: 1,
      padTop: 0,
      span: 1,
      inH: h,
      outH: h,
      inRowBytes: rowBytes,
      outRowBytes: rowBytes,
      reads: [],
    };
  }
  if (node.op !== 'Conv2D' && node.op !== 'DepthwiseConv2D') return undefined;
  const c = node as Node<'Conv2D' | 'DepthwiseConv2D'>;
  const x = g.tensors[c.inputs[0]];
  if (x.shape.length !== 4 || x.shape[0] !== 1 || x.dtype !== 'i8') return undefined;
  const kH = g.tensors[c.inputs[1]].shape[1];
  const a = c.attrs;
  return {
    node: index,
    kind: 'conv',
    stride: a.strides[0],
    padTop: a.pads[0],
    span: (kH - 1) * a.dilations[0] + 1,
    inH: x.shape[1],
    outH: y.shape[1],
    inRowBytes: x.shape[2] * x.shape[3],
    outRowBytes: rowBytes,
    reads: [],
  };
}

/** A layer's data inputs: a conv's first, both of an Add's. */
const dataInputs = (node: Node, l: BandLayer): readonly string[] => (l.kind === 'add' ? node.inputs : node.inputs.slice(0, 1));

/** The scratch node `index`'s kernel takes on bands of these heights, or undefined when it cannot run on bands. */
export type BandScratch = (index: number, bandRows: readonly number[]) => number | undefined;

/** The band scratch rule of each op a chain takes: its op's own (ops/conv2d.ts, ops/depthwise-conv2d.ts); a conv's
 *  and an Add's kernels take scratch that does not follow the rows, so it is the whole layer's (`scratch`). */
export function bandScratchRule(g: Graph, contextOf: (node: Node) => NodeContext, scratch: readonly number[]): BandScratch {
  return (index, rows) => {
    const node = g.nodes[index];
    if (node.op === 'Conv2D') return conv2dRunsOnBands(contextOf(node) as NodeContext<Node<'Conv2D'>>) ? scratch[index] : undefined;
    if (node.op === 'DepthwiseConv2D') return depthwiseBandScratch(contextOf(node) as NodeContext<Node<'DepthwiseConv2D'>>, rows);
    if (node.op === 'Add') return scratch[index]; // the element-wise kernels' scratch does not follow the rows either
    return undefined;
  };
}

/** The chain of nodes `nodes` (in graph order; each one's output, but the last's, read by later ones of them alone,
 *  and no graph output), making `rowsPerStep` output rows a step, or undefined when it cannot run banded. */
export function bandChain(
  g: Graph,
  nodes: readonly number[],
  bandScratch: BandScratch,
  rowsPerStep = 1,
  steady = false,
): BandChain | undefined {
  const layers: BandLayer[] = [];
  const at = new Map<string, number>(); // an intermediate tensor → its layer
  for (const [k, i] of nodes.entries()) {
    const l = bandLayer(g, i);
    if (!l) return undefined;
    const node = g.nodes[i];
    // A chain tensor may only be a layer's data input (never a conv's weights or bias).
    if (node.inputs.some((x, s) => at.has(x) && s >= dataInputs(node, l).length)) return undefined;
    l.reads = dataInputs(node, l).map((x) => at.get(x) ?? -1);
    layers.push(l);
    if (k < nodes.length - 1) at.set(node.outputs[0], k);
  }
  for (const [t, k] of at) {
    if (g.outputs.includes(t)) return undefined;
    const readers = g.nodes.flatMap((n, j) => (n.inputs.includes(t) ? [j] : []));
    if (readers.length === 0 || readers.some((j) => !nodes.includes(j) || nodes.indexOf(j) <= k)) return undefined;
  }
  const caps = rowCaps(layers, rowsPerStep, steady);
  const s = schedule(layers, rowsPerStep, caps);
  if (!s) return undefined;
  let kernelScratch = 0;
  for (const [i, l] of layers.entries()) {
    const bytes = bandScratch(l.node, s.bandRows[i]);
    if (bytes === undefined) return undefined;
    kernelScratch = Math.max(kernelScratch, bytes);
  }
  return { nodes: [...nodes], layers, rowsPerStep, caps, windowRows: s.windowRows, kernelScratch };
}

/** The runs of ≥ 2 consecutive nodes that could band (int8 convs and same-shape Adds, none in `taken`: fused
 *  elsewhere). Longest runs; callers pick sub-runs, which bandChain checks (each intermediate read inside alone). */
export function chainRuns(g: Graph, taken: ReadonlySet<number>): number[][] {
  const runs: number[][] = [];
  let run: number[] = [];
  const close = (): void => {
    if (run.length >= 2) runs.push(run);
    run = [];
  };
  g.nodes.forEach((_, i) => {
    if (taken.has(i) || bandLayer(g, i) === undefined) return close();
    run.push(i);
  });
  close();
  return runs;
}

/** The most layers one chain takes: what the arena gains from banding is the few large intermediates of a run, while
 *  the candidates (and memory plans) to compare grow with the square of the length. */
export const MAX_CHAIN_LAYERS = 12;

/** Picks chains from `runs` while the arena shrinks: each round takes the sub-run (of at most MAX_CHAIN_LAYERS layers)
 *  whose chain (each layer making one row a call) gives the smallest arena together with the chains taken so far
 *  (fewer layers first among equals), while it is smaller than without it; then splits a chain in two while that
 *  shrinks it further. Then each chain makes as many rows a step (doubling from 1), with its layers making a steady
 *  step's rows a call where they can (rowCaps), as keep that arena: each kernel call has a cost of its own (VWW on
 *  mps2-an386, one chain L0–L7: +4.1% instructions at one row a call, 25,344 B instead of 19,584 B at a steady step's
 *  rows). `arenaWith` plans memory for a set of chains. */
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
  // One chain at a time may miss two shorter ones doing better together (each stage's peak under its own windows):
  // split a chosen chain in two while that shrinks the arena.
  for (let split = true; split;) {
    split = false;
    for (const [i, c] of chosen.entries())
      for (let m = 2; m <= c.nodes.length - 2 && !split; m++) {
        const parts = [c.nodes.slice(0, m), c.nodes.slice(m)].flatMap((ns) => bandChain(g, ns, bandScratch) ?? []);
        const trial = [...chosen.slice(0, i), ...parts, ...chosen.slice(i + 1)];
        const arena = arenaWith(trial);
        if (arena < best) {
          chosen.splice(0, chosen.length, ...trial);
          best = arena;
          split = true;
        }
      }
  }
  for (const [i, c] of chosen.entries()) {
    const fits = (v: BandChain | undefined): v is BandChain => !!v && arenaWith(chosen.map((d, j) => (j === i ? v : d))) <= best;
    for (let rows = 1; rows < c.layers[c.layers.length - 1].outH; rows *= 2) {
      const v = [true, false].map((steady) => bandChain(g, c.nodes, bandScratch, rows, steady)).find(fits);
      if (!v) break;
      chosen[i] = v;
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
  // Row `row` of a data input of layer i (its window's, or the whole tensor's), and of layer i's output.
  const inRow = (i: number, slot: number, row: string): string => {
    const l = c.layers[i];
    const p = l.reads[slot];
    const x = ctxs[i].node.inputs[slot];
    return p < 0
      ? `(${ctxs[i].ptr(x)} + ${row} * ${l.inRowBytes})`
      : `((const int8_t *)(arena + ${windowAt[p]}) + (${row} - bc_first${p}) * ${l.inRowBytes})`;
  };
  const outRow = (i: number, row: string): string => {
    const l = c.layers[i];
    return i === n - 1
      ? `(${ctxs[i].ptr(ctxs[i].node.outputs[0])} + ${row} * ${l.outRowBytes})`
      : `((int8_t *)(arena + ${windowAt[i]}) + (${row} - bc_first${i}) * ${l.outRowBytes})`;
  };
  const calls = c.layers.map((l, i) => {
    const ctx = ctxs[i];
    const x = ctx.node.inputs[0];
    const y = ctx.node.outputs[0];
    const scratch = (bytes: number): string => {
      ctx.scratch(bytes); // the emitter's kernel and its op's scratch rule agree for the whole layer
      return c.kernelScratch > 0 ? `arena + ${kernelScratchAt}, ${c.kernelScratch}` : 'NULL, 0';
    };
    if (l.kind === 'add') {
      // One row: the emitter sees tensors of one row, whose pointers follow bc_row.
      const row = (t: { shape: number[] }) => ({ ...t, shape: [1, 1, ...t.shape.slice(2)] });
      const e = emitters[i]({
        ...ctx,
        input: (s) => (s < 2 ? row(ctx.input(s)!) : ctx.input(s)) as ReturnType<typeof ctx.input>,
        output: () => row(ctx.output()) as ReturnType<typeof ctx.output>,
        ptr: (name) => {
          const slot = ctx.node.inputs.indexOf(name);
          if (slot >= 0) return inRow(i, slot, 'bc_row');
          return name === y ? outRow(i, 'bc_row') : ctx.ptr(name);
        },
        scratch,
      });
      kernels.push(e.kernel!);
      return { call: e.call, field: (v: string) => v };
    }
    const e = withLocalGeometry(
      { ...ctx, ptr: (name) => (name === x ? inRow(i, 0, 'bc_lo') : name === y ? outRow(i, `bc_done${i}`) : ctx.ptr(name)), scratch },
      `bc_g${i}`,
      emitters[i],
    );
    kernels.push(e.kernel!);
    decls.push(`    ${e.ctype} bc_g${i} = ${e.geom};`);
    return { call: e.call, field: (v: string) => (GEOMS[e.ctype] === 'int16_t' ? `(int16_t)(${v})` : v) };
  });
  const doneDecl = c.layers.map((_, i) => `bc_done${i} = 0`).join(', ');
  const firstDecl = c.windowRows.map((_, i) => `bc_first${i} = 0`).join(', ');
  // C of firstRow / endRow before clamping: the first input row a layer's next band reads, and the end of its rows.
  const top = (l: BandLayer, done: string): string => `${done} * ${l.stride} - ${l.padTop}`;
  const end = (l: BandLayer, need: string): string => `(${need} - 1) * ${l.stride} - ${l.padTop} + ${l.span}`;
  lines.push(
    `  {`,
    `    /* ${n} layers banded: per ${c.rowsPerStep} output row(s) of the last, each makes the rows its readers need next into its window of rows */`,
    ...decls,
    `    int32_t ${doneDecl}, ${firstDecl};`,
    `    for (int32_t bc_r = 0; bc_r < ${last.outH}; bc_r += ${c.rowsPerStep}) {`,
    `      int32_t ${c.layers.map((_, i) => (i === n - 1 ? `bc_need${i} = ${lastNeed}` : `bc_need${i} = bc_done${i}`)).join(', ')};`,
  );
  // From the last layer back: the rows each layer must have made, the most any of its readers asks for.
  for (let i = n - 1; i > 0; i--) {
    const l = c.layers[i];
    const ps = [...new Set(l.reads.filter((p) => p >= 0))];
    if (ps.length === 0) continue;
    lines.push(
      `      if (bc_need${i} > bc_done${i}) {`,
      `        const int32_t bc_e = ${end(l, `bc_need${i}`)} < ${l.inH} ? ${end(l, `bc_need${i}`)} : ${l.inH};`,
      ...ps.map((p) => `        if (bc_e > bc_need${p}) bc_need${p} = bc_e;`),
      `      }`,
    );
  }
  // Rounds until the last layer has its rows: each window drops the rows before the first one an unfinished reader
  // still reads, then from the first layer on each makes the rows towards its need its inputs allow and its readers can
  // use next, at most rowsPerStep.
  lines.push(`      while (bc_done${n - 1} < bc_need${n - 1}) {`);
  for (let w = 0; w < n - 1; w++) {
    const rb = c.layers[w].outRowBytes;
    lines.push(`        {`, `          int32_t bc_lo = bc_done${w};`);
    for (const j of readersOf(c.layers, w)) {
      const l = c.layers[j];
      lines.push(
        `          if (bc_done${j} < ${l.outH}) {`,
        `            const int32_t bc_t = ${top(l, `bc_done${j}`)};`,
        `            if ((bc_t > 0 ? bc_t : 0) < bc_lo) bc_lo = bc_t > 0 ? bc_t : 0;`,
        `          }`,
      );
    }
    lines.push(
      `          if (bc_lo > bc_first${w}) {`,
      `            memmove(arena + ${windowAt[w]}, arena + ${windowAt[w]} + (bc_lo - bc_first${w}) * ${rb}, (size_t)(bc_done${w} - bc_lo) * ${rb}u);`,
      `            bc_first${w} = bc_lo;`,
      `          }`,
      `        }`,
    );
  }
  const nextRows = (i: number): string => `bc_done${i} + ${c.caps[i]} < bc_need${i} ? bc_done${i} + ${c.caps[i]} : bc_need${i}`;
  for (let i = 0; i < n; i++) {
    const l = c.layers[i];
    const { call, field } = calls[i];
    lines.push(`        { /* ${names[i]} */`, `          int32_t bc_to = ${nextRows(i)};`);
    // makeable(): the rows whose windows end within the rows its inputs have made.
    for (const p of [...new Set(l.reads.filter((q) => q >= 0))])
      lines.push(
        `          {`,
        `            const int32_t bc_d = bc_done${p} + ${l.padTop - l.span};`,
        `            const int32_t bc_m = bc_done${p} >= ${l.inH} ? ${l.outH} : bc_d < 0 ? 0 : bc_d / ${l.stride} + 1;`,
        `            if (bc_m < bc_to) bc_to = bc_m;`,
        `          }`,
      );
    // asked(): the input rows its readers can use in their next calls.
    if (i < n - 1) {
      lines.push(`          {`, `            int32_t bc_ask = 0;`);
      for (const j of readersOf(c.layers, i)) {
        const r = c.layers[j];
        lines.push(
          `            {`,
          `              const int32_t bc_n = ${nextRows(j)};`,
          `              const int32_t bc_a = ${end(r, 'bc_n')} < ${r.inH} ? ${end(r, 'bc_n')} : ${r.inH};`,
          `              if (bc_a > bc_ask) bc_ask = bc_a;`,
          `            }`,
        );
      }
      lines.push(`            if (bc_ask < bc_to) bc_to = bc_ask;`, `          }`);
    }
    if (l.kind === 'add')
      lines.push(
        `          for (int32_t bc_row = bc_done${i}; bc_row < bc_to; ++bc_row) {`,
        `            status = ${call};`,
        `            if (status != TFG_OK) return (int32_t)status;`,
        `          }`,
        `          if (bc_to > bc_done${i}) bc_done${i} = bc_to;`,
        `        }`,
      );
    else
      lines.push(
        `          if (bc_to > bc_done${i}) {`,
        `            const int32_t bc_t = ${top(l, `bc_done${i}`)}, bc_e = ${end(l, 'bc_to')};`,
        `            const int32_t bc_lo = bc_t > 0 ? bc_t : 0, bc_end = bc_e < ${l.inH} ? bc_e : ${l.inH};`,
        `            bc_g${i}.in_h = ${field('bc_end - bc_lo')};`,
        `            bc_g${i}.pad_top = ${field('bc_lo - bc_t')};`,
        `            bc_g${i}.out_h = ${field(`bc_to - bc_done${i}`)};`,
        `            status = ${call};`,
        `            if (status != TFG_OK) return (int32_t)status;`,
        `            bc_done${i} = bc_to;`,
        `          }`,
        `        }`,
      );
  }
  lines.push(`      }`);
  lines.push(`    }`, `  }`);
  return { kernels, block: lines.join('\n') };
}
