// Conv2D + MaxPool fusion: an int8 conv whose one reader is an unpadded MaxPool with stride_h ≥ k_h never writes its
// whole output. Per pooled output row, the fused layer runs the conv's own kernel on the band of k_h conv rows that row
// reads (into the layer's scratch), then the pool's own kernel on that band. The arena holds one band instead of the
// conv's output; the arithmetic is the same kernels' on the same rows, so the result is bit-exact with the unfused
// layers (and the reference interpreter). A pool whose windows overlap (stride_h < k_h) would recompute conv rows, so
// it stays unfused, as does anything else the conditions below refuse.
import type { Graph, Node } from '../ir/graph.ts';
import type { EmitContext, NodeContext, OpEmission } from './op-emitter.ts';
import { conv2dRunsOnBands } from './ops/conv2d.ts';
import { cComment } from './c-names.ts';
import { ARENA_ALIGN, tensorBytes } from './memory-planner.ts';

export interface ConvPoolFusion {
  /** Node indices of the conv and of the pool it is fused into (the fused layer runs at the pool's place). */
  conv: number;
  pool: number;
  /** Bytes of one band of conv output rows (pool k_h rows), and of the conv kernel's own scratch after it. */
  bandBytes: number;
  convScratch: number;
  /** Conv rows in one band (the conv kernel's out_h: the pool's k_h), and bands (the pool's out_h). */
  bandRows: number;
  pooledRows: number;
  /** Input rows from one band's first window row to the next's (pool stride_h · conv stride_h), the conv's pad_top,
   *  the input rows one band's windows span, the input's height and the bytes of one input and one pooled row. */
  rowStep: number;
  padTop: number;
  span: number;
  inH: number;
  inRowBytes: number;
  outRowBytes: number;
}

const alignUp = (n: number): number => Math.ceil(n / ARENA_ALIGN) * ARENA_ALIGN;

/** The fused layer's scratch: the band, then the conv kernel's scratch. */
export function fusedScratchBytes(f: ConvPoolFusion): number {
  return alignUp(f.bandBytes) + f.convScratch;
}

/** The convs of `g` that fuse with the MaxPool reading them. `contextOf` gives a node's kernel context (its layer's
 *  kernel set), `convScratch` the scratch its kernel takes unfused (its op's scratch rule). */
export function convPoolFusions(
  g: Graph,
  contextOf: (node: Node) => NodeContext,
  convScratch: (index: number) => number,
): ConvPoolFusion[] {
  const fusions: ConvPoolFusion[] = [];
  g.nodes.forEach((node, i) => {
    if (node.op !== 'Conv2D') return;
    const conv = node as Node<'Conv2D'>;
    const out = conv.outputs[0];
    if (g.outputs.includes(out) || !conv2dRunsOnBands(contextOf(conv) as NodeContext<Node<'Conv2D'>>)) return;
    const readers = g.nodes.flatMap((n, j) => (n.inputs.includes(out) ? [j] : []));
    if (readers.length !== 1) return;
    const j = readers[0];
    const pool = g.nodes[j];
    if (pool.op !== 'MaxPool' || pool.inputs[0] !== out || pool.inputs.length !== 1) return;
    const p = (pool as Node<'MaxPool'>).attrs;
    const x = g.tensors[conv.inputs[0]];
    const y = g.tensors[out];
    const z = g.tensors[pool.outputs[0]];
    if (x.shape.length !== 4 || x.shape[0] !== 1 || z.dtype !== 'i8') return;
    const [, inH, inW, inC] = x.shape;
    const [, outH, outW, outC] = y.shape;
    const [, pooledRows, pooledW] = z.shape;
    const [kH] = p.kernel;
    const [sH] = p.strides;
    if (p.pads.some((v) => v !== 0) || sH < kH || (pooledRows - 1) * sH + kH > outH) return;
    const a = conv.attrs;
    const kConvH = g.tensors[conv.inputs[1]].shape[1];
    const f: ConvPoolFusion = {
      conv: i,
      pool: j,
      bandBytes: kH * outW * outC,
      convScratch: convScratch(i),
      bandRows: kH,
      pooledRows,
      rowStep: sH * a.strides[0],
      padTop: a.pads[0],
      span: (kH - 1) * a.strides[0] + (kConvH - 1) * a.dilations[0] + 1,
      inH,
      inRowBytes: inW * inC,
      outRowBytes: pooledW * outC,
    };
    // Every band must read at least one image row (a band wholly in the padding would give the kernel in_h ≤ 0).
    for (let r = 0; r < pooledRows; r++) if (imageRowsRead(f, r) <= 0) return;
    if (tensorBytes(g, out) <= f.bandBytes) return; // one band is the whole output: nothing to save
    fusions.push(f);
  });
  return fusions;
}

/** How many image rows band r's windows read (the rows the fused loop gives the conv kernel as in_h). */
function imageRowsRead(f: ConvPoolFusion, r: number): number {
  const top = r * f.rowStep - f.padTop;
  return Math.min(f.inH, top + f.span) - Math.max(0, top);
}

/** The conv geometry structs a banded call copies (here and in band-chain.ts), and their fields' C type. */
export const GEOMS: Record<string, string> = { tfg_conv_geom: 'int32_t', tfg_conv_geom16: 'int16_t' };

/** Runs an emitter with its geometry declared as usual but referenced through a local copy `local` (which the fused
 *  loop adjusts per band); returns its emission, the geometry's C type and the declared constant. */
export function withLocalGeometry<N extends Node>(
  ctx: EmitContext<N>,
  local: string,
  emit: (ctx: EmitContext<N>) => OpEmission,
): OpEmission & { ctype: string; geom: string } {
  let geom: { ctype: string; id: string } | undefined;
  const e = emit({
    ...ctx,
    declare: (suffix, ctype, init) => {
      if (!(ctype in GEOMS)) return ctx.declare(suffix, ctype, init);
      geom = { ctype, id: ctx.declare(suffix, ctype, init) };
      return local;
    },
  });
  if (!geom || !e.kernel) throw new Error(`node "${ctx.node.name}": its emitter declared no geometry to run on bands`);
  return { ...e, ctype: geom.ctype, geom: geom.id };
}

/** The fused layer's C: a block at the pool's place. `conv` and `pool` are the two nodes' emit contexts, `bandOffset`
 *  where the planner put the pool layer's scratch (the band, then the conv kernel's scratch). */
export function emitConvPool(
  f: ConvPoolFusion,
  conv: EmitContext<Node<'Conv2D'>>,
  pool: EmitContext<Node<'MaxPool'>>,
  emitConv: (ctx: EmitContext<Node<'Conv2D'>>) => OpEmission,
  emitPool: (ctx: EmitContext<Node<'MaxPool'>>) => OpEmission,
  bandOffset: number,
): { kernels: string[]; block: string } {
  const x = conv.node.inputs[0];
  const band = conv.node.outputs[0];
  const y = pool.node.outputs[0];
  const c = withLocalGeometry(
    {
      ...conv,
      ptr: (name) =>
        name === x ? `(${conv.ptr(name)} + fg_lo * ${f.inRowBytes})` : name === band ? `(int8_t *)(arena + ${bandOffset})` : conv.ptr(name),
      scratch: (bytes) => {
        if (bytes !== f.convScratch)
          throw new Error(`node "${conv.node.name}": its kernel takes ${bytes} B of scratch, the fusion planned ${f.convScratch} B`);
        return bytes > 0 ? `arena + ${bandOffset + alignUp(f.bandBytes)}, ${bytes}` : 'NULL, 0';
      },
    },
    'fg_conv',
    emitConv,
  );
  // The pool sees one band and writes one row: its geometry is the same for every band, a constant like any layer's.
  const bandIn = { ...pool.input(0)!, shape: [1, f.bandRows, ...pool.input(0)!.shape.slice(2)] };
  const rowOut = { ...pool.output(), shape: [1, 1, ...pool.output().shape.slice(2)] };
  const p = emitPool({
    ...pool,
    input: (i) => (i === 0 ? bandIn : pool.input(i)),
    output: () => rowOut,
    ptr: (name) =>
      name === band
        ? `(const int8_t *)(arena + ${bandOffset})`
        : name === y
          ? `(${pool.ptr(name)} + fg_r * ${f.outRowBytes})`
          : pool.ptr(name),
    scratch: (bytes) => {
      if (bytes !== 0) throw new Error(`node "${pool.node.name}": a fused pool kernel takes no scratch`);
      return 'NULL, 0';
    },
  });
  const field = (v: string): string => (GEOMS[c.ctype] === 'int16_t' ? `(int16_t)(${v})` : v);
  const block = [
    `  {`,
    `    /* ${cComment(conv.node.name)} (Conv2D) fused here: per pooled row, its ${f.bandRows} conv rows into a band, then pooled */`,
    `    ${c.ctype} fg_conv = ${c.geom};`,
    `    fg_conv.out_h = ${f.bandRows};`,
    `    for (int32_t fg_r = 0; fg_r < ${f.pooledRows}; ++fg_r) {`,
    `      const int32_t fg_top = fg_r * ${f.rowStep} - ${f.padTop}; /* the band's first window row (< 0: padding) */`,
    `      const int32_t fg_lo = fg_top > 0 ? fg_top : 0;`,
    `      const int32_t fg_end = fg_top + ${f.span} < ${f.inH} ? fg_top + ${f.span} : ${f.inH};`,
    `      fg_conv.in_h = ${field('fg_end - fg_lo')};`,
    `      fg_conv.pad_top = ${field('fg_lo - fg_top')};`,
    `      status = ${c.call};`,
    `      if (status != TFG_OK) return (int32_t)status;`,
    `      status = ${p.call};`,
    `      if (status != TFG_OK) return (int32_t)status;`,
    `    }`,
    `  }`,
  ].join('\n');
  return { kernels: [c.kernel!, p.kernel!], block };
}
