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

export async function profileLayers(session: DeviceSession, g: Graph, input: TensorData): Promise<LayerLatency[]> {
  const r = await session.profile(bytesOf(input));
  return r.layers.map((lat, i) => {
    const window = g.nodes[i] ? nodeWindow(g.nodes[i], g) : null;
    return {
      layer: i,
      node: g.nodes[i]?.name ?? `#${i}`,
      op: g.nodes[i]?.op ?? '?',
      latency: lat.value ?? 0,
      macs: g.nodes[i] ? nodeMacs(g.nodes[i], g) : 0,
      ...(window ? { window } : {}),
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

/** Runs one sample with every layer's output streamed back and compares each with the reference interpreter. */
export async function debugLayers(session: DeviceSession, g: Graph, input: TensorData, floatTolerance = 1e-4): Promise<DebugReport> {
  const dev = await session.debug(bytesOf(input));
  const ref = runGraph(g, { [g.inputs[0]]: input }, { collect: true }).values!;
  const layers: LayerDiff[] = [];
  for (const { layer, output } of dev.layers) {
    const node = g.nodes[layer];
    if (!node) continue;
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
