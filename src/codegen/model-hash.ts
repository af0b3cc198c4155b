// TFG_MODEL_HASH: FNV-1a (32-bit) over the graph's canonical JSON and its weights, so the host can check which model a
// device runs (the serial hello carries it). Same graph → same hash, on any machine.
import type { Graph } from '../ir/graph.ts';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnv1a(bytes: Uint8Array, h: number): number {
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], FNV_PRIME) >>> 0;
  return h;
}

/** The JSON the hash covers: structure, shapes, dtypes and quantization, tensors sorted by name (no weights). */
export function canonicalGraphJson(g: Graph): string {
  const names = Object.keys(g.tensors).sort();
  const tensors = names.map((n) => {
    const t = g.tensors[n];
    return { name: n, shape: t.shape, dtype: t.dtype, quant: t.quant ?? null, constant: t.data !== undefined };
  });
  return JSON.stringify({ name: g.name, inputs: g.inputs, outputs: g.outputs, nodes: g.nodes, tensors });
}

/** FNV-1a over canonicalGraphJson(g) (UTF-8), then every constant's little-endian bytes in tensor-name order. */
export function modelHash(g: Graph): number {
  let h = fnv1a(new TextEncoder().encode(canonicalGraphJson(g)), FNV_OFFSET);
  for (const n of Object.keys(g.tensors).sort()) {
    const d = g.tensors[n].data;
    if (d) h = fnv1a(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), h);
  }
  return h;
}
