// IR graph ⇄ JSON: compiled output folders keep the deployed graph, so `eval --board` can compare the device with the reference.
import { readFileSync, writeFileSync } from 'node:fs';
import { TinyforgeError } from '../diagnostics.ts';
import type { Graph, Storage, Tensor, TensorData } from './graph.ts';
import { checkIrJson } from './ir-json-check.ts';

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

/** The graph in a .tfir.json text; the JSON is checked field by field (ir-json-check.ts) before any typed array is
 *  built, and the tensor table has no prototype, so a tensor may be called "constructor" or "__proto__". */
export function graphFromJson(text: string, file?: string): Graph {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new TinyforgeError('bad-model-file', `${file ?? 'the IR file'} is not valid JSON: ${(e as Error).message}`, {
      location: file ? { file } : undefined,
      hint: 'the file is truncated or was edited by hand; write it again with `tinyforge compress … -o model.tfir.json`',
    });
  }
  checkIrJson(parsed, file);
  const raw = parsed as Graph & { tensors: Record<string, JsonTensor> };
  const tensors: Record<string, Tensor> = Object.create(null);
  for (const [name, t] of Object.entries(raw.tensors)) {
    const { data, mask, storage, quant, ...rest } = t;
    tensors[name] = {
      ...rest,
      name,
      ...(data ? { data: CTORS[data.type].from(data.values.map(nonFinite) as number[]) as TensorData } : {}),
      ...(mask ? { mask: Uint8Array.from(mask) } : {}),
      ...(quant ? { quant } : {}),
      ...(storage
        ? { storage: storage.kind === 'clustered' ? { ...storage, indices: Uint8Array.from(storage.indices ?? []) } : storage }
        : {}),
    } as Tensor;
  }
  const nodes = raw.nodes.map((n) => ({
    ...n,
    attrs: Object.fromEntries(Object.entries(n.attrs).map(([k, v]) => [k, Array.isArray(v) ? v.map(nonFinite) : nonFinite(v)])),
  }));
  return { ...raw, metadata: raw.metadata ?? {}, tensors, nodes } as Graph;
}

/** graphToJson writes the non-finite numbers JSON lacks (Clip's ±Infinity bounds) as strings: these become numbers again. */
function nonFinite<T>(v: T): T | number {
  return v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v === 'NaN' ? NaN : v;
}

type JsonTensor = Omit<Tensor, 'data' | 'mask' | 'storage'> & {
  data?: { type: keyof typeof CTORS; values: number[] } | null;
  mask?: number[] | null;
  storage?: (Storage & { indices?: number[] }) | null;
};

export function saveIrJson(g: Graph, path: string): void {
  writeFileSync(path, graphToJson(g));
}

export function loadIrJson(path: string): Graph {
  return graphFromJson(readFileSync(path, 'utf8'), path);
}
