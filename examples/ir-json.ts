// Saves/loads a trained IR graph as JSON, so an ONNX file can be re-exported without training again (--ir-out / --from-ir).
import { readFileSync, writeFileSync } from 'node:fs';
import type { Graph, TensorData } from '../src/ir/graph.ts';

const CTORS = { Float32Array, Int8Array, Int32Array, Uint8Array } as const;

export function saveIrJson(g: Graph, path: string): void {
  const tensors = Object.fromEntries(Object.entries(g.tensors).map(([k, t]) => [k, {
    ...t,
    data: t.data ? { type: t.data.constructor.name, values: Array.from(t.data) } : undefined,
    mask: t.mask ? Array.from(t.mask) : undefined,
  }]));
  writeFileSync(path, JSON.stringify({ ...g, tensors }));
}

export function loadIrJson(path: string): Graph {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Graph & { tensors: Record<string, { data?: { type: keyof typeof CTORS; values: number[] }; mask?: number[] }> };
  for (const t of Object.values(raw.tensors)) {
    const d = t.data;
    (t as { data?: TensorData }).data = d ? (CTORS[d.type].from(d.values) as TensorData) : undefined;
    (t as { mask?: Uint8Array }).mask = t.mask ? Uint8Array.from(t.mask) : undefined;
  }
  return raw as unknown as Graph;
}
