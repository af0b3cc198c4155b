// ONNX TensorProto (.pb) read/write, the format of ONNX test vectors (test_data_set_*/input_0.pb) and `tinyforge run` outputs.
import onnxProto from 'onnx-proto';
import { TinyforgeError } from '../diagnostics.ts';

const DT = onnxProto.onnx.TensorProto.DataType;

export type TensorProtoDtype = 'float' | 'int8' | 'uint8' | 'int32' | 'int64';
export type TensorProtoData = Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

export interface TensorProtoValue {
  name: string;
  dims: number[];
  dtype: TensorProtoDtype;
  data: TensorProtoData;
}

const CODES: Record<TensorProtoDtype, number> = { float: DT.FLOAT, int8: DT.INT8, uint8: DT.UINT8, int32: DT.INT32, int64: DT.INT64 };
const BY_CODE: Record<number, TensorProtoDtype> = Object.fromEntries(Object.entries(CODES).map(([k, v]) => [v, k as TensorProtoDtype]));
const CTORS = { float: Float32Array, int8: Int8Array, uint8: Uint8Array, int32: Int32Array, int64: BigInt64Array } as const;

const toNumber = (x: unknown): number =>
  typeof x === 'number'
    ? x
    : typeof (x as { toNumber?: unknown })?.toNumber === 'function'
      ? (x as { toNumber(): number }).toNumber()
      : Number(x);

function fail(file: string, message: string): never {
  throw new TinyforgeError('bad-tensor-proto', message, {
    location: { file },
    hint: 'give a serialized onnx.TensorProto (e.g. numpy_helper.from_array(a).SerializeToString()) of float, int8, uint8, int32 or int64',
  });
}

/** Parses a serialized TensorProto; values may be in raw_data, float_data, int32_data (int8/uint8/int32) or int64_data. */
export function readTensorProto(bytes: Uint8Array, file = '<bytes>'): TensorProtoValue {
  let t: onnxProto.onnx.TensorProto;
  try {
    t = onnxProto.onnx.TensorProto.decode(bytes);
  } catch (e) {
    fail(file, `not a TensorProto: ${(e as Error).message}`);
  }
  const dtype = BY_CODE[t.dataType];
  if (!dtype) fail(file, `TensorProto data type ${t.dataType} is not supported`);
  const dims = t.dims.map(toNumber);
  const count = dims.reduce((a, b) => a * b, 1);
  const Ctor = CTORS[dtype];
  let data: TensorProtoData;
  if (t.rawData && t.rawData.length > 0) {
    const need = count * Ctor.BYTES_PER_ELEMENT;
    if (t.rawData.length !== need) fail(file, `raw_data has ${t.rawData.length} bytes but dims [${dims}] of ${dtype} need ${need}`);
    // Copy (protobufjs may hand out a view of a pooled Buffer): aligned, and raw_data is little-endian like the host.
    data = new Ctor(new Uint8Array(t.rawData).buffer);
  } else if (dtype === 'float') {
    data = Float32Array.from(t.floatData);
  } else if (dtype === 'int64') {
    data = BigInt64Array.from(t.int64Data.map((v) => BigInt(toNumber(v))));
  } else {
    data = (Ctor as typeof Int32Array).from(t.int32Data);
  }
  if (data.length !== count) fail(file, `dims [${dims}] need ${count} values, the tensor has ${data.length}`);
  return { name: t.name, dims, dtype, data };
}

/** Serializes a tensor with raw_data (what onnx's numpy_helper writes). */
export function writeTensorProto(v: TensorProtoValue): Uint8Array {
  const count = v.dims.reduce((a, b) => a * b, 1);
  if (count !== v.data.length) {
    throw new TinyforgeError('bad-tensor-proto', `tensor "${v.name}": dims [${v.dims}] need ${count} values, got ${v.data.length}`);
  }
  const raw = new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength).slice();
  return onnxProto.onnx.TensorProto.encode({ name: v.name, dims: v.dims, dataType: CODES[v.dtype], rawData: raw }).finish();
}
