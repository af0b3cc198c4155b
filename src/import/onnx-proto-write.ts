// Builds ONNX protobuf messages (tensors, nodes, graph, model) from plain values; used by the exporter and by tests that make models.
import { onnx, type ModelProto } from './onnx-proto-read.ts';
import type onnxProto from 'onnx-proto';

type AttrInput = number | number[] | string | { floats: number[] } | { strings: string[] } | { tensor: onnxProto.onnx.ITensorProto };

export function floatTensor(name: string, dims: number[], data: ArrayLike<number>): onnxProto.onnx.TensorProto {
  const f = Float32Array.from(data);
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(f.buffer) });
}

export function int64Tensor(name: string, dims: number[], data: number[]): onnxProto.onnx.TensorProto {
  const b = BigInt64Array.from(data.map((v) => BigInt(v)));
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.INT64, rawData: new Uint8Array(b.buffer) });
}

/** A float tensor value-info; a string dim is symbolic (dynamic). */
export function valueInfo(
  name: string,
  dims: (number | string)[],
  elemType: number = onnx.TensorProto.DataType.FLOAT,
): onnxProto.onnx.ValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

function attribute(name: string, v: AttrInput): onnxProto.onnx.AttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') {
    return Number.isInteger(v) && !name.match(/^(alpha|beta|epsilon|value|min|max|ratio|momentum)$/)
      ? onnx.AttributeProto.create({ name, type: A.INT, i: v })
      : onnx.AttributeProto.create({ name, type: A.FLOAT, f: v });
  }
  if (typeof v === 'string') return onnx.AttributeProto.create({ name, type: A.STRING, s: new TextEncoder().encode(v) });
  if (Array.isArray(v)) return onnx.AttributeProto.create({ name, type: A.INTS, ints: v });
  if ('strings' in v)
    return onnx.AttributeProto.create({ name, type: A.STRINGS, strings: v.strings.map((s) => new TextEncoder().encode(s)) });
  if ('floats' in v) return onnx.AttributeProto.create({ name, type: A.FLOATS, floats: v.floats });
  return onnx.AttributeProto.create({ name, type: A.TENSOR, t: v.tensor });
}

/** A node; integer attributes are INT except the float-valued names ONNX uses (alpha, beta, epsilon, …). */
export function node(
  op: string,
  inputs: string[],
  outputs: string[],
  attrs: Record<string, AttrInput> = {},
  name = outputs[0],
): onnxProto.onnx.NodeProto {
  return onnx.NodeProto.create({
    opType: op,
    name,
    input: inputs,
    output: outputs,
    attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
  });
}

export interface ModelParts {
  name?: string;
  nodes: onnxProto.onnx.NodeProto[];
  initializers?: onnxProto.onnx.TensorProto[];
  inputs: onnxProto.onnx.ValueInfoProto[];
  outputs: onnxProto.onnx.ValueInfoProto[];
  opset?: number;
  metadata?: Record<string, string>;
}

export function makeModel(p: ModelParts): ModelProto {
  return onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'tinyforge',
    opsetImport: [{ domain: '', version: p.opset ?? 13 }],
    graph: { name: p.name ?? 'model', node: p.nodes, initializer: p.initializers ?? [], input: p.inputs, output: p.outputs },
    metadataProps: Object.entries(p.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
}

export function encodeModel(m: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(m).finish();
}
