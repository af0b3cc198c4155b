// Writes small .tflite models with the flatbuffers Builder for import tests: tensors (constant data, quantization),
// operators with their builtin options, one subgraph.
import { Builder } from 'flatbuffers';

export interface TensorSpec {
  name: string;
  shape: number[];
  type: number; // 0 FLOAT32, 2 INT32, 9 INT8, 7 INT16
  data?: Uint8Array;
  scale?: number[];
  zeroPoint?: number[];
  axis?: number;
  /** is_variable: a state tensor (an LSTM's h or c), zeros at start. */
  variable?: boolean;
}
export interface OpSpec {
  code: number;
  version?: number;
  inputs: number[];
  outputs: number[];
  /** BuiltinOptions union type and (slot, value) fields; int8 also writes bools, int32s writes an int vector. */
  options?: {
    type: number;
    int8?: [number, number][];
    int32?: [number, number][];
    float32?: [number, number][];
    int32s?: [number, number[]][];
  };
}

/** Writes a one-subgraph TFLite model with the flatbuffers Builder, following schema.fbs field order. */
export function buildModel(tensors: TensorSpec[], operators: OpSpec[], inputs: number[], outputs: number[]): Uint8Array {
  const b = new Builder(1024);
  const intVec = (xs: number[]) => {
    b.startVector(4, xs.length, 4);
    for (let i = xs.length - 1; i >= 0; i--) b.addInt32(xs[i]);
    return b.endVector();
  };
  const codes = [...new Set(operators.map((o) => `${o.code}/${o.version ?? 1}`))];
  const codeOffsets = codes.map((k) => {
    const [code, version] = k.split('/').map(Number);
    b.startObject(4);
    b.addFieldInt8(0, Math.min(code, 127), 0);
    b.addFieldInt32(2, version, 1);
    b.addFieldInt32(3, code, 0);
    return b.endObject();
  });
  const buffers = [b.createByteVector(new Uint8Array(0))];
  const tensorOffsets = tensors.map((t) => {
    let buffer = 0;
    if (t.data) {
      buffers.push(b.createByteVector(t.data));
      buffer = buffers.length - 1;
    }
    let quant = 0;
    if (t.scale) {
      b.startVector(4, t.scale.length, 4);
      for (let i = t.scale.length - 1; i >= 0; i--) b.addFloat32(t.scale[i]);
      const scale = b.endVector();
      const zps = t.zeroPoint ?? t.scale.map(() => 0);
      b.startVector(8, zps.length, 8);
      for (let i = zps.length - 1; i >= 0; i--) b.addInt64(BigInt(zps[i]));
      const zp = b.endVector();
      b.startObject(7);
      b.addFieldOffset(2, scale, 0);
      b.addFieldOffset(3, zp, 0);
      b.addFieldInt32(6, t.axis ?? 0, 0);
      quant = b.endObject();
    }
    const name = b.createString(t.name);
    const shape = intVec(t.shape);
    b.startObject(6);
    b.addFieldOffset(0, shape, 0);
    b.addFieldInt8(1, t.type, 0);
    b.addFieldInt32(2, buffer, 0);
    b.addFieldOffset(3, name, 0);
    if (quant) b.addFieldOffset(4, quant, 0);
    if (t.variable) b.addFieldInt8(5, 1, 0);
    return b.endObject();
  });
  const bufferTables = buffers.map((data) => {
    b.startObject(1);
    b.addFieldOffset(0, data, 0);
    return b.endObject();
  });
  const opOffsets = operators.map((o) => {
    let opts = 0;
    if (o.options) {
      const vectors = (o.options.int32s ?? []).map(([s, xs]) => [s, intVec(xs)] as const);
      const fields = [...(o.options.int8 ?? []), ...(o.options.int32 ?? []), ...(o.options.float32 ?? []), ...vectors];
      b.startObject(Math.max(0, ...fields.map(([s]) => s + 1)));
      for (const [s, v] of vectors) b.addFieldOffset(s, v, 0);
      for (const [s, v] of o.options.int8 ?? []) b.addFieldInt8(s, v, null);
      for (const [s, v] of o.options.int32 ?? []) b.addFieldInt32(s, v, null);
      for (const [s, v] of o.options.float32 ?? []) b.addFieldFloat32(s, v, null);
      opts = b.endObject();
    }
    const ins = intVec(o.inputs);
    const outs = intVec(o.outputs);
    b.startObject(5);
    b.addFieldInt32(0, codes.indexOf(`${o.code}/${o.version ?? 1}`), 0);
    b.addFieldOffset(1, ins, 0);
    b.addFieldOffset(2, outs, 0);
    if (o.options) {
      b.addFieldInt8(3, o.options.type, 0);
      b.addFieldOffset(4, opts, 0);
    }
    return b.endObject();
  });
  const vecOf = (offs: number[]) => {
    b.startVector(4, offs.length, 4);
    for (let i = offs.length - 1; i >= 0; i--) b.addOffset(offs[i]);
    return b.endVector();
  };
  const tv = vecOf(tensorOffsets);
  const iv = intVec(inputs);
  const ov = intVec(outputs);
  const opv = vecOf(opOffsets);
  b.startObject(4);
  b.addFieldOffset(0, tv, 0);
  b.addFieldOffset(1, iv, 0);
  b.addFieldOffset(2, ov, 0);
  b.addFieldOffset(3, opv, 0);
  const sg = b.endObject();
  const codesV = vecOf(codeOffsets);
  const sgV = vecOf([sg]);
  const bufV = vecOf(bufferTables);
  b.startObject(5);
  b.addFieldInt32(0, 3, 0);
  b.addFieldOffset(1, codesV, 0);
  b.addFieldOffset(2, sgV, 0);
  b.addFieldOffset(4, bufV, 0);
  b.finish(b.endObject(), 'TFL3');
  return b.asUint8Array().slice();
}

/** Little-endian bytes of int8, int32 and float32 values, for TensorSpec.data. */
export const i8 = (n: number, f = (i: number) => (i % 7) - 3) => new Uint8Array(Int8Array.from({ length: n }, (_, i) => f(i)).buffer);
export const i32 = (xs: number[]) => new Uint8Array(Int32Array.from(xs).buffer);
export const f32 = (xs: ArrayLike<number>) => new Uint8Array(Float32Array.from(xs).buffer);
