// IR graph ⇄ JSON: compiled output folders keep the deployed graph, so `eval --board` can compare the device with the reference.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Graph, TensorData } from './graph.ts';

const CTORS = { Float32Array, Int8Array, Int32Array, Uint8Array } as const;

export function graphToJson(g: Graph): string {
  const tensors = Object.fromEntries(
    Object.entries(g.tensors).map(([k, t]) => [
      k,
      {
        ...t,
        data: t.data ? { type: t.data.constructor.name, values: Array.from(t.data) } : undefined,
        mask: t.mask ? Array.from(t.mask) : undefined,
        storage: t.storage?.kind === 'clustered' ? { ...t.storage, indices: Array.from(t.storage.indices) } : t.storage,
      },
    ]),
  );
  // Clip's ±Infinity bounds are not JSON; keep them as strings and restore them on load.
  return JSON.stringify({ ...g, tensors }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

export function graphFromJson(text: string): Graph {
  const raw = JSON.parse(text, (_k, v) => (v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v)) as Graph & {
    tensors: Record<string, { data?: { type: keyof typeof CTORS; values: number[] }; mask?: number[]; storage?: { kind: string; indices?: number[] } }>;
  };
  for (const t of Object.values(raw.tensors)) {
    const d = t.data;
    (t as { data?: TensorData }).data = d ? (CTORS[d.type].from(d.values) as TensorData) : undefined;
    (t as { mask?: Uint8Array }).mask = t.mask ? Uint8Array.from(t.mask) : undefined;
    if (t.storage?.kind === 'clustered' && t.storage.indices) (t.storage as unknown as { indices: Uint8Array }).indices = Uint8Array.from(t.storage.indices);
  }
  return raw as unknown as Graph;
}

export function saveIrJson(g: Graph, path: string): void {
  writeFileSync(path, graphToJson(g));
}

export function loadIrJson(path: string): Graph {
  return graphFromJson(readFileSync(path, 'utf8'));
}
