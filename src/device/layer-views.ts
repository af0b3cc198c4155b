// Per-layer views of one inference on the device: latency per layer (--profile-layers) and the first layer whose
// output differs from the reference interpreter (--debug-layers).
import type { Graph, TensorData } from '../ir/graph.ts';
import type { Node } from '../ir/graph.ts';
import { nodeMacs } from '../ir/stats.ts';
import { runGraph } from '../reference/interpreter.ts';
import type { DeviceSession } from './device-session.ts';
import { bytesOf } from './io-buffers.ts';
import type { LayerLatency } from '../report/report.ts';

/** The spatial window [kH, kW] of a convolution (its weights') or a pool (its kernel); null for other ops. */
function nodeWindow(node: Node, g: Graph): number[] | null {
  switch (node.op) {
    case 'Conv2D':
    case 'DepthwiseConv2D': {
      const [, kh, kw] = g.tensors[node.inputs[1]]?.shape ?? [];
      return kh === undefined ? null : [kh, kw];
    }
    case 'MaxPool':
    case 'AveragePool':
      return [...node.attrs.kernel];
    default:
      return null;
  }
}

/** `fused` (tinyforge.json's "fused"): node → the layer it runs inside (a conv → the MaxPool reading it, conv-pool.ts;
 *  a banded chain's layer → the chain's last layer, band-chain.ts). Such a node has no output and no time of its own:
 *  the layer it runs inside computes and times them all. */
export type FusedLayers = Record<string, string>;

export async function profileLayers(session: DeviceSession, g: Graph, input: TensorData, fused: FusedLayers = {}): Promise<LayerLatency[]> {
  const r = await session.profile(bytesOf(input));
  const fusedFrom = new Map<string, string[]>();
  for (const [from, into] of Object.entries(fused)) fusedFrom.set(into, [...(fusedFrom.get(into) ?? []), from]);
  const macsOf = (name: string): number => {
    const node = g.nodes.find((n) => n.name === name);
    return node ? nodeMacs(node, g) : 0;
  };
  return r.layers.map((lat, i) => {
    const node = g.nodes[i];
    const window = node ? nodeWindow(node, g) : null;
    const into = node && Object.hasOwn(fused, node.name) ? fused[node.name] : undefined;
    const from = node ? fusedFrom.get(node.name) : undefined;
    return {
      layer: i,
      node: node?.name ?? `#${i}`,
      op: node?.op ?? '?',
      latency: lat.value ?? 0,
      macs: !node || into ? 0 : nodeMacs(node, g) + (from ?? []).reduce((sum, f) => sum + macsOf(f), 0),
      ...(window ? { window } : {}),
      ...(into ? { fused_into: into } : {}),
      ...(from ? { fused_from: from } : {}),
    };
  });
}

export interface LayerDiff {
  layer: number;
  node: string;
  op: string;
  /** Elements that differ, and the largest difference (in the tensor's own units: int8 steps or float). */
  differing: number;
  elements: number;
  maxAbsDiff: number;
  /** This node runs inside that layer (fused or banded): it has no output of its own to compare (that layer's output
   *  checks them all). */
  fusedInto?: string;
}

export interface DebugReport {
  layers: LayerDiff[];
  /** The first layer whose output differs beyond tolerance, or null when all agree. */
  firstMismatch: LayerDiff | null;
}

function view(dtype: string, bytes: Uint8Array): ArrayLike<number> {
  const buf = bytes.slice().buffer;
  return dtype === 'f32'
    ? new Float32Array(buf)
    : dtype === 'i32'
      ? new Int32Array(buf)
      : dtype === 'i8'
        ? new Int8Array(buf)
        : new Uint8Array(buf);
}

/** Runs one sample with every layer's output streamed back and compares each with the reference interpreter. A conv
 *  in `fused` streams nothing: it is listed as running inside its layer (nothing compared), and a fused node that does
 *  stream an output, or a layer outside `fused` that streams none, differs. */
export async function debugLayers(
  session: DeviceSession,
  g: Graph,
  input: TensorData,
  opts: { fused?: FusedLayers; floatTolerance?: number } = {},
): Promise<DebugReport> {
  const floatTolerance = opts.floatTolerance ?? 1e-4;
  const dev = await session.debug(bytesOf(input));
  const ref = runGraph(g, { [g.inputs[0]]: input }, { collect: true }).values!;
  const layers: LayerDiff[] = [];
  for (const { layer, output } of dev.layers) {
    const node = g.nodes[layer];
    if (!node) continue;
    const into = opts.fused && Object.hasOwn(opts.fused, node.name) ? opts.fused[node.name] : undefined;
    if (into !== undefined && output.length === 0) {
      layers.push({ layer, node: node.name, op: node.op, differing: 0, elements: 0, maxAbsDiff: 0, fusedInto: into });
      continue;
    }
    const t = g.tensors[node.outputs[0]];
    const want = ref[node.outputs[0]];
    const got = view(t.dtype, output);
    let differing = 0;
    let maxAbsDiff = 0;
    for (let k = 0; k < want.length; k++) {
      const d = Math.abs(Number(got[k] ?? NaN) - Number(want[k]));
      const bad = t.dtype === 'f32' ? !(d <= floatTolerance * Math.max(1, Math.abs(Number(want[k])))) : d !== 0;
      if (bad) differing++;
      if (d > maxAbsDiff || Number.isNaN(d)) maxAbsDiff = Number.isNaN(d) ? Infinity : d;
    }
    if (got.length !== want.length) differing = Math.max(differing, 1);
    layers.push({ layer, node: node.name, op: node.op, differing, elements: want.length, maxAbsDiff });
  }
  return { layers, firstMismatch: layers.find((l) => l.differing > 0) ?? null };
}
