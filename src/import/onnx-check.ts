// The ONNX validation layer: the decoded ModelProto is checked before the importer allocates anything from it —
// every initializer and tensor attribute has integer dims in range and exactly the values its dims declare — so a
// negative, 2^31 or 2^63 dim, or data shorter than its shape, is one 'bad-model-file' error naming the tensor.
import { TinyforgeError } from '../diagnostics.ts';
import { onnx, toNumber, type GraphProto, type ModelProto, type NodeProto, type TensorProto } from './onnx-proto-read.ts';

/** No constant of a model for a microcontroller has more values than this; beyond it the file is corrupt. */
export const MAX_CONSTANT_ELEMENTS = 2 ** 28;
const MAX_DIM = 2 ** 31 - 1;

const DT = onnx.TensorProto.DataType;
/** Bytes per element in raw_data, for the types the importer decodes. */
const RAW_BYTES = new Map<number, number>([
  [DT.FLOAT, 4],
  [DT.DOUBLE, 8],
  [DT.INT64, 8],
  [DT.UINT64, 8],
  [DT.INT32, 4],
  [DT.UINT32, 4],
  [DT.INT16, 2],
  [DT.UINT16, 2],
  [DT.INT8, 1],
  [DT.UINT8, 1],
  [DT.BOOL, 1],
  [DT.FLOAT16, 2],
  [DT.BFLOAT16, 2],
]);

function bad(path: string, what: string): TinyforgeError {
  return new TinyforgeError('bad-model-file', `${path} is not a readable ONNX model: ${what}`, {
    location: { file: path },
    hint: 'the file is truncated or corrupt (or was written by hand); re-export it, e.g. torch.onnx.export(model, x, "model.onnx")',
  });
}

/** How many values the typed field of `t` holds for its data type (raw_data aside). */
function fieldCount(t: TensorProto): number {
  const type = t.dataType ?? 0;
  if (type === DT.FLOAT) return t.floatData?.length ?? 0;
  if (type === DT.DOUBLE) return t.doubleData?.length ?? 0;
  if (type === DT.INT64) return t.int64Data?.length ?? 0;
  if (type === DT.UINT64 || type === DT.UINT32) return t.uint64Data?.length ?? 0;
  return t.int32Data?.length ?? 0;
}

/** Dims and value count of one tensor (an initializer or a Constant's value), before anything is allocated for it. */
export function checkTensorProto(t: TensorProto, where: string, path: string): void {
  const dims = (t.dims ?? []).map(toNumber);
  let count = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d > MAX_DIM)
      throw bad(path, `${where} has dimension ${d} in [${dims}]; dims are integers 0..${MAX_DIM}`);
    count *= d;
  }
  if (count > MAX_CONSTANT_ELEMENTS)
    throw bad(
      path,
      `${where} declares ${count} values ([${dims}]); no model for a microcontroller holds more than ${MAX_CONSTANT_ELEMENTS}`,
    );
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) return; // refused with its own code when read
  const elem = RAW_BYTES.get(t.dataType ?? 0);
  if (elem === undefined) return; // strings, complex …: refused as unsupported-dtype when read
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData.length : undefined;
  if (raw !== undefined ? raw !== count * elem : fieldCount(t) !== count) {
    throw bad(
      path,
      `${where} with dims [${dims}] needs ${count} values (${count * elem} bytes), the file holds ${raw !== undefined ? `${raw} bytes` : `${fieldCount(t)} values`}`,
    );
  }
}

function checkNodeTensors(node: NodeProto, index: number, path: string): void {
  for (const a of node.attribute ?? []) {
    const where = `attribute "${a.name}" of node "${node.name || `${node.opType}_${index}`}"`;
    if (a.t) checkTensorProto(a.t, `the tensor of ${where}`, path);
    (a.tensors ?? []).forEach((t, k) => checkTensorProto(t, `tensor ${k} of ${where}`, path));
  }
}

function checkGraph(g: GraphProto, path: string): void {
  (g.initializer ?? []).forEach((t, i) => checkTensorProto(t, `initializer "${t.name || i}"`, path));
  (g.node ?? []).forEach((n, i) => checkNodeTensors(n, i, path));
  for (const vi of [...(g.input ?? []), ...(g.output ?? [])]) {
    for (const d of vi.type?.tensorType?.shape?.dim ?? []) {
      if (d.dimValue == null) continue;
      const v = toNumber(d.dimValue);
      if (!Number.isSafeInteger(v) || v > MAX_DIM) throw bad(path, `"${vi.name}" has dimension ${v}; dims are integers up to ${MAX_DIM}`);
    }
  }
}

/** Checks a decoded model before the importer reads any value out of it; throws 'bad-model-file'. */
export function checkOnnxModel(m: ModelProto, path: string): void {
  if (m.graph) checkGraph(m.graph, path);
}
