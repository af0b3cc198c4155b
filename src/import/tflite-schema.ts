// Hand-written reader for the parts of the TFLite schema (tensorflow/lite/schema/schema.fbs) tinyforge imports.
// There is no flatc here, so field ids below are the schema's field indices (a union takes two: type, then value).
import { FlatReader, Table } from './tflite-flatbuffer.ts';

/** TensorType enum values we name in messages; the importer maps only some of them to IR dtypes. */
export const TENSOR_TYPE_NAMES: Record<number, string> = {
  0: 'FLOAT32',
  1: 'FLOAT16',
  2: 'INT32',
  3: 'UINT8',
  4: 'INT64',
  5: 'STRING',
  6: 'BOOL',
  7: 'INT16',
  8: 'COMPLEX64',
  9: 'INT8',
  10: 'FLOAT64',
  11: 'COMPLEX128',
  12: 'UINT64',
  13: 'RESOURCE',
  14: 'VARIANT',
  15: 'UINT32',
  16: 'UINT16',
  17: 'INT4',
};
export const TensorType = { FLOAT32: 0, FLOAT16: 1, INT32: 2, UINT8: 3, INT64: 4, INT8: 9 } as const;

export interface TfliteQuant {
  scale: number[]; // float32 values exactly as stored
  zeroPoint: number[];
  quantizedDimension: number;
}

export interface TfliteTensor {
  index: number;
  shape: number[];
  type: number;
  buffer: number;
  name: string;
  quant: TfliteQuant | null;
  hasSparsity: boolean;
  /** A state tensor an op reads and updates across invocations (an LSTM's h and c), zeros at start. */
  isVariable: boolean;
}

export interface TfliteOperator {
  index: number;
  opcodeIndex: number;
  inputs: number[];
  outputs: number[];
  /** BuiltinOptions union type (0 = NONE) and its table. */
  optionsType: number;
  options: Table | null;
}

export interface TfliteSubgraph {
  name: string;
  tensors: TfliteTensor[];
  inputs: number[];
  outputs: number[];
  operators: TfliteOperator[];
}

export interface TfliteOperatorCode {
  /** max(deprecated_builtin_code, builtin_code), as TFLite's GetBuiltinCode does. */
  builtinCode: number;
  customCode: string | null;
  version: number;
}

export interface TfliteBuffer {
  /** The constant bytes (a view into the file), or null for an empty buffer. */
  data: Uint8Array | null;
}

export interface TfliteModel {
  version: number;
  description: string | null;
  operatorCodes: TfliteOperatorCode[];
  subgraphs: TfliteSubgraph[];
  buffers: TfliteBuffer[];
  metadata: { name: string; buffer: number }[];
}

// Field ids, in schema order.
const MODEL = { version: 0, operatorCodes: 1, subgraphs: 2, description: 3, buffers: 4, metadata: 6 };
const OPCODE = { deprecatedBuiltinCode: 0, customCode: 1, version: 2, builtinCode: 3 };
const SUBGRAPH = { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 };
const TENSOR = { shape: 0, type: 1, buffer: 2, name: 3, quantization: 4, isVariable: 5, sparsity: 6 };
const QUANT = { scale: 2, zeroPoint: 3, detailsType: 4, quantizedDimension: 6 };
const OPERATOR = { opcodeIndex: 0, inputs: 1, outputs: 2, optionsType: 3, options: 4 };
const BUFFER = { data: 0, offset: 1, size: 2 };
const METADATA = { name: 0, buffer: 1 };

/** Parses the whole model structure (not the op options, which the importer reads per op). */
export function readTfliteModel(bytes: Uint8Array, path: string): TfliteModel {
  const r = new FlatReader(bytes, path);
  r.need(0, 8, 'file header');
  const ident = String.fromCharCode(bytes[4], bytes[5], bytes[6], bytes[7]);
  if (ident !== 'TFL3') r.fail(`file identifier is "${ident.replace(/[^\x20-\x7e]/g, '?')}", expected "TFL3"`);
  const model = r.root('Model');
  const buffers = model.tables(MODEL.buffers, 'Model.buffers').map((b) => readBuffer(r, b));
  return {
    version: model.uint32(MODEL.version, 0),
    description: model.string(MODEL.description, 'Model.description'),
    operatorCodes: model.tables(MODEL.operatorCodes, 'Model.operator_codes').map(readOpcode),
    subgraphs: model.tables(MODEL.subgraphs, 'Model.subgraphs').map(readSubgraph),
    buffers,
    metadata: model.tables(MODEL.metadata, 'Model.metadata').map((m) => ({
      name: m.string(METADATA.name, `${m.what}.name`) ?? '',
      buffer: m.uint32(METADATA.buffer, 0),
    })),
  };
}

function readBuffer(r: FlatReader, b: Table): TfliteBuffer {
  const data = b.bytes(BUFFER.data, `${b.what}.data`);
  if (data && data.length > 0) return { data };
  // Models over 2 GB keep constants after the flatbuffer; offset is from the file start and valid only if > 1.
  const offset = b.uint64(BUFFER.offset, 0);
  const size = b.uint64(BUFFER.size, 0);
  if (offset > 1) {
    r.need(offset, size, `${b.what} (external data)`);
    return { data: r.bytes.subarray(offset, offset + size) };
  }
  return { data: null };
}

function readOpcode(t: Table): TfliteOperatorCode {
  const deprecated = t.int8(OPCODE.deprecatedBuiltinCode, 0);
  const extended = t.int32(OPCODE.builtinCode, 0);
  return {
    builtinCode: Math.max(deprecated, extended),
    customCode: t.string(OPCODE.customCode, `${t.what}.custom_code`),
    version: t.int32(OPCODE.version, 1),
  };
}

function readSubgraph(t: Table): TfliteSubgraph {
  return {
    name: t.string(SUBGRAPH.name, `${t.what}.name`) ?? '',
    tensors: t.tables(SUBGRAPH.tensors, `${t.what}.tensors`).map(readTensor),
    inputs: t.int32s(SUBGRAPH.inputs, `${t.what}.inputs`),
    outputs: t.int32s(SUBGRAPH.outputs, `${t.what}.outputs`),
    operators: t.tables(SUBGRAPH.operators, `${t.what}.operators`).map(readOperator),
  };
}

function readTensor(t: Table, index: number): TfliteTensor {
  const q = t.table(TENSOR.quantization, `${t.what}.quantization`);
  let quant: TfliteQuant | null = null;
  if (q) {
    const scale = q.float32s(QUANT.scale, `${q.what}.scale`);
    const zeroPoint = q.int64s(QUANT.zeroPoint, `${q.what}.zero_point`);
    if (scale.length > 0) quant = { scale, zeroPoint, quantizedDimension: q.int32(QUANT.quantizedDimension, 0) };
  }
  return {
    index,
    shape: t.int32s(TENSOR.shape, `${t.what}.shape`),
    type: t.int8(TENSOR.type, 0),
    buffer: t.uint32(TENSOR.buffer, 0),
    name: t.string(TENSOR.name, `${t.what}.name`) ?? '',
    quant,
    hasSparsity: t.table(TENSOR.sparsity, `${t.what}.sparsity`) !== null,
    isVariable: t.bool(TENSOR.isVariable, false),
  };
}

function readOperator(t: Table, index: number): TfliteOperator {
  const optionsType = t.uint8(OPERATOR.optionsType, 0);
  return {
    index,
    opcodeIndex: t.uint32(OPERATOR.opcodeIndex, 0),
    inputs: t.int32s(OPERATOR.inputs, `${t.what}.inputs`),
    outputs: t.int32s(OPERATOR.outputs, `${t.what}.outputs`),
    optionsType,
    options: optionsType ? t.table(OPERATOR.options, `${t.what}.builtin_options`) : null,
  };
}
