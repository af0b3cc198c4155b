// graphStats: per-layer and total parameters, multiply-accumulates and weight bytes (as stored), for inspect and report.json.
import type { Graph, Node, Tensor } from './graph.ts';
import { product } from './graph.ts';

export interface LayerStats {
  node: string;
  op: string;
  inputShape: number[];
  outputShape: number[];
  /** Elements of the constant inputs (weights + bias, BN params …). A constant shared by two nodes counts at its first user. */
  params: number;
  macs: number;
  /** Bytes of those constants as stored in flash (Tensor.storage when set, else dtype). */
  bytes: number;
}

export interface GraphStats {
  layers: LayerStats[];
  totals: { params: number; macs: number; bytes: number };
}

const DTYPE_BYTES = { f32: 4, i32: 4, i8: 1, u8: 1 } as const;

/** Total bits of a Huffman code for these index frequencies (payload only; the decode table is codegen's). */
function huffmanBits(indices: Uint8Array): number {
  const freq = new Map<number, number>();
  for (const v of indices) freq.set(v, (freq.get(v) ?? 0) + 1);
  if (freq.size <= 1) return indices.length; // one symbol still needs one bit per element
  // Sum of merged weights = Σ freq·codeLength; a sorted array is fine for ≤ 256 symbols.
  const heap = [...freq.values()].sort((a, b) => a - b);
  let bits = 0;
  while (heap.length > 1) {
    const merged = heap.shift()! + heap.shift()!;
    bits += merged;
    let i = 0;
    while (i < heap.length && heap[i] < merged) i++;
    heap.splice(i, 0, merged);
  }
  return bits;
}

/** Bytes a constant takes in flash: f16 = 2 B, int4 = ½ B, binary = ⅛ B + 4 B per alpha, clustered = index bits + codebook. */
export function storedBytes(t: Tensor): number {
  const n = product(t.shape);
  const s = t.storage;
  switch (s?.kind) {
    case undefined:
    case 'dense':
      return n * DTYPE_BYTES[t.dtype];
    case 'f16':
      return n * 2;
    case 'int4':
      return Math.ceil(n / 2);
    case 'binary':
      return Math.ceil(n / 8) + s.alpha.length * 4;
    case 'clustered': {
      const codebookBytes = s.codebook.length * DTYPE_BYTES[t.dtype];
      const indexBits = Math.max(1, Math.ceil(Math.log2(Math.max(2, s.codebook.length))));
      const bits = s.huffman ? huffmanBits(s.indices) : s.indices.length * indexBits;
      return Math.ceil(bits / 8) + codebookBytes;
    }
  }
}

/** Multiply-accumulates of one node, batch included. Element-wise ops, pools and reshapes count 0. */
export function nodeMacs(node: Node, g: Graph): number {
  const shape = (i: number) => g.tensors[node.inputs[i]]?.shape ?? [];
  const out = g.tensors[node.outputs[0]]?.shape ?? [];
  switch (node.op) {
    case 'Dense': {
      const [, i] = shape(1);
      return product(out) * i; // (rows of x) · out · in
    }
    case 'Conv2D': {
      const [, kh, kw, ipg] = shape(1);
      return product(out) * kh * kw * ipg; // N·outH·outW·O · KH·KW·I/groups
    }
    case 'DepthwiseConv2D': {
      const [, kh, kw] = shape(1);
      return product(out) * kh * kw; // N·outH·outW·C·mult · KH·KW
    }
    case 'GRU':
    case 'LSTM': {
      const [steps, batch] = shape(0);
      const [rows, inSize] = shape(1);
      return steps * batch * rows * (inSize + node.attrs.hiddenSize); // every step: W·x and R·h for every gate
    }
    default:
      return 0;
  }
}

export function graphStats(g: Graph): GraphStats {
  const counted = new Set<string>();
  const layers = g.nodes.map((node): LayerStats => {
    let params = 0;
    let bytes = 0;
    for (const name of node.inputs) {
      const t = g.tensors[name];
      if (!name || !t?.data || counted.has(name)) continue;
      counted.add(name);
      params += product(t.shape);
      bytes += storedBytes(t);
    }
    return {
      node: node.name,
      op: node.op,
      inputShape: [...(g.tensors[node.inputs[0]]?.shape ?? [])],
      outputShape: [...(g.tensors[node.outputs[0]]?.shape ?? [])],
      params,
      macs: nodeMacs(node, g),
      bytes,
    };
  });
  const totals = layers.reduce((s, l) => ({ params: s.params + l.params, macs: s.macs + l.macs, bytes: s.bytes + l.bytes }), {
    params: 0,
    macs: 0,
    bytes: 0,
  });
  return { layers, totals };
}
