// Reads ONNX protobuf pieces (TensorProto values, node attributes) into plain numbers, so the importer never sees Long or raw bytes.
import onnxProto from 'onnx-proto';
import { TinyforgeError } from '../diagnostics.ts';

export const onnx = onnxProto.onnx;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type ModelProto = onnxProto.onnx.ModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;

/** A constant known at import time. Integers (shapes, axes) are kept as exact doubles; floats are f32-rounded. */
export interface ConstValue {
  dims: number[];
  data: Float64Array;
  isFloat: boolean;
}

const DT = onnx.TensorProto.DataType;
const DTYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(DT).map(([k, v]) => [v as number, k]));
export function dtypeName(t: number | null | undefined): string {
  return DTYPE_NAMES[t ?? 0] ?? `type ${t}`;
}

/** protobufjs gives int64 as Long when long.js is present; the values we read (shapes, axes, weights) fit a double. */
export function toNumber(x: unknown): number {
  if (typeof x === 'number') return x;
  if (x && typeof (x as { toNumber?: unknown }).toNumber === 'function') return (x as { toNumber(): number }).toNumber();
  return Number(x);
}

function rawView(raw: Uint8Array): DataView {
  return new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** Decodes a TensorProto's values. Throws 'unsupported-dtype' for strings, complex and external data. */
export function readTensor(t: TensorProto, file: string): ConstValue {
  const dims = (t.dims ?? []).map(toNumber);
  const n = dims.reduce((a, b) => a * b, 1);
  const type = t.dataType ?? 0;
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new TinyforgeError('unsupported-external-data', `tensor "${t.name}" keeps its data in an external file`, {
      location: { file },
      hint: 'save the model with all tensors inside the .onnx file (onnx.save_model(m, path, save_as_external_data=False))',
    });
  }
  const out = new Float64Array(n);
  const isFloat = type === DT.FLOAT || type === DT.DOUBLE || type === DT.FLOAT16 || type === DT.BFLOAT16;
  const fill = (get: (i: number) => number) => {
    for (let i = 0; i < n; i++) out[i] = get(i);
  };
  if (raw) {
    const v = rawView(raw);
    const need: Record<number, number> = {
      [DT.FLOAT]: 4,
      [DT.DOUBLE]: 8,
      [DT.INT64]: 8,
      [DT.UINT64]: 8,
      [DT.INT32]: 4,
      [DT.UINT32]: 4,
      [DT.INT16]: 2,
      [DT.UINT16]: 2,
      [DT.INT8]: 1,
      [DT.UINT8]: 1,
      [DT.BOOL]: 1,
      [DT.FLOAT16]: 2,
      [DT.BFLOAT16]: 2,
    };
    const size = need[type];
    if (size === undefined) throw unsupportedDtype(t, file);
    if (raw.length < size * n) {
      throw new TinyforgeError('bad-model-file', `tensor "${t.name}" holds ${raw.length} bytes, its shape [${dims}] needs ${size * n}`, {
        location: { file },
        hint: 'the file is truncated or corrupt; export the model again',
      });
    }
    const getters: Record<number, (i: number) => number> = {
      [DT.FLOAT]: (i) => v.getFloat32(i * 4, true),
      [DT.DOUBLE]: (i) => Math.fround(v.getFloat64(i * 8, true)),
      [DT.INT64]: (i) => Number(v.getBigInt64(i * 8, true)),
      [DT.UINT64]: (i) => Number(v.getBigUint64(i * 8, true)),
      [DT.INT32]: (i) => v.getInt32(i * 4, true),
      [DT.UINT32]: (i) => v.getUint32(i * 4, true),
      [DT.INT16]: (i) => v.getInt16(i * 2, true),
      [DT.UINT16]: (i) => v.getUint16(i * 2, true),
      [DT.INT8]: (i) => v.getInt8(i),
      [DT.UINT8]: (i) => v.getUint8(i),
      [DT.BOOL]: (i) => v.getUint8(i),
      [DT.FLOAT16]: (i) => halfToFloat(v.getUint16(i * 2, true)),
      [DT.BFLOAT16]: (i) => new Float32Array(new Uint32Array([v.getUint16(i * 2, true) << 16]).buffer)[0],
    };
    fill(getters[type]);
    return { dims, data: out, isFloat };
  }
  let src: ArrayLike<unknown>;
  if (type === DT.FLOAT) src = t.floatData ?? [];
  else if (type === DT.DOUBLE) src = t.doubleData ?? [];
  else if (type === DT.INT64) src = t.int64Data ?? [];
  else if (type === DT.UINT64 || type === DT.UINT32) src = t.uint64Data ?? [];
  else if ([DT.INT32, DT.INT16, DT.INT8, DT.UINT16, DT.UINT8, DT.BOOL].includes(type)) src = t.int32Data ?? [];
  else if (type === DT.FLOAT16 || type === DT.BFLOAT16) {
    const halves = (t.int32Data ?? []).map(toNumber);
    src = type === DT.FLOAT16 ? halves.map(halfToFloat) : halves.map((h) => new Float32Array(new Uint32Array([h << 16]).buffer)[0]);
  } else throw unsupportedDtype(t, file);
  if (src.length !== n) {
    throw new TinyforgeError('bad-model-file', `tensor "${t.name}" holds ${src.length} values, its shape [${dims}] needs ${n}`, {
      location: { file },
      hint: 'the file is corrupt; export the model again',
    });
  }
  fill((i) => (isFloat ? Math.fround(toNumber(src[i])) : toNumber(src[i])));
  return { dims, data: out, isFloat };
}

function unsupportedDtype(t: TensorProto, file: string): TinyforgeError {
  return new TinyforgeError(
    'unsupported-dtype',
    `tensor "${t.name}" has element type ${dtypeName(t.dataType)}, which tinyforge cannot compute with`,
    {
      location: { file },
      hint: 'tinyforge imports float32 models (integer tensors only for shapes and indices)',
    },
  );
}

export type AttrValue = number | number[] | string | string[] | TensorProto | undefined;

/** The attributes of a node as a plain map (ints/floats as numbers, strings decoded). */
export function readAttributes(node: NodeProto): Map<string, AttrValue> {
  const m = new Map<string, AttrValue>();
  const A = onnx.AttributeProto.AttributeType;
  for (const a of node.attribute ?? []) {
    const name = a.name ?? '';
    switch (a.type) {
      case A.FLOAT:
        m.set(name, a.f ?? 0);
        break;
      case A.INT:
        m.set(name, toNumber(a.i ?? 0));
        break;
      case A.STRING:
        m.set(name, new TextDecoder().decode(a.s ?? new Uint8Array()));
        break;
      case A.TENSOR:
        m.set(name, a.t ?? undefined);
        break;
      case A.FLOATS:
        m.set(name, (a.floats ?? []).map(Number));
        break;
      case A.INTS:
        m.set(name, (a.ints ?? []).map(toNumber));
        break;
      case A.STRINGS:
        m.set(
          name,
          (a.strings ?? []).map((s) => new TextDecoder().decode(s)),
        );
        break;
      default:
        m.set(name, undefined); // graphs, sparse tensors: no op we support uses them
    }
  }
  return m;
}

/** Typed accessors with defaults, so op code reads like the ONNX spec. */
export class Attrs {
  constructor(readonly map: Map<string, AttrValue>) {}
  has(name: string): boolean {
    return this.map.has(name);
  }
  int(name: string, dflt: number): number {
    const v = this.map.get(name);
    return typeof v === 'number' ? v : dflt;
  }
  float(name: string, dflt: number): number {
    return this.int(name, dflt);
  }
  ints(name: string, dflt?: number[]): number[] | undefined {
    const v = this.map.get(name);
    return Array.isArray(v) ? (v as number[]) : dflt;
  }
  str(name: string, dflt: string): string {
    const v = this.map.get(name);
    return typeof v === 'string' ? v : dflt;
  }
  tensor(name: string): TensorProto | undefined {
    const v = this.map.get(name);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as TensorProto) : undefined;
  }
}
