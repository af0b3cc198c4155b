// Reads ONNX node-test folders (model.onnx + test_data_set_0/*.pb) and prepares them for tinyforge's static-graph importer.
import fs from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { readTensor } from '../import/onnx-proto-read.ts';

const { onnx } = onnxProto;
/** Where Debian's libonnx-testdata installs the tests (setup.sh installs it). */
export const TESTDATA_ROOT = '/usr/share/libonnx-testdata/data';
/** node: one ONNX op per test; pytorch-*: what PyTorch's exporter emitted for a module; simple: small hand-made graphs. */
export const SUITES = ['node', 'pytorch-converted', 'pytorch-operator', 'simple'];

/** Input slots that hold parameters (weights, shapes, axes, bounds), not data. tinyforge compiles static graphs, so a
 *  node test that feeds these as graph inputs is run with them bound as initializers, the way a deployed model has them. */
const PARAMETER_SLOTS: Record<string, number[]> = {
  Conv: [1, 2],
  Gemm: [1, 2],
  MatMul: [1],
  BatchNormalization: [1, 2, 3, 4],
  InstanceNormalization: [1, 2],
  LayerNormalization: [1, 2],
  Clip: [1, 2],
  Reshape: [1],
  Pad: [1, 2, 3],
  Squeeze: [1],
  Unsqueeze: [1],
  Slice: [1, 2, 3, 4],
  PRelu: [1],
  ReduceSum: [1],
  ReduceMean: [1],
  ReduceMax: [1],
  Pow: [1],
  ReduceMin: [1],
  ReduceProd: [1],
  ReduceL1: [1],
  ReduceL2: [1],
  ReduceSumSquare: [1],
  ReduceLogSumExp: [1],
  Dropout: [1, 2],
  ConstantOfShape: [0],
  Resize: [1, 2, 3],
  Upsample: [1],
  ConvTranspose: [1, 2],
  Tile: [1],
  GRU: [1, 2, 3, 4],
  LSTM: [1, 2, 3, 4, 7],
};

export interface NodeCase {
  name: string;
  ops: string[];
  /** model.onnx with parameter inputs moved into initializers. */
  model: Uint8Array;
  /** Runtime inputs in graph order, in ONNX layout. */
  inputs: { name: string; dims: number[]; data: Float32Array }[];
  outputs: { name: string; dims: number[]; data: Float32Array; isFloat: boolean }[];
}

function readPb(file: string) {
  const t = onnx.TensorProto.decode(fs.readFileSync(file));
  return { proto: t, value: readTensor(t, file) };
}

/** Test ids `<suite>/<folder>` of every folder with a model.onnx. */
export function listNodeTests(root = TESTDATA_ROOT, suites = SUITES): string[] {
  return suites.flatMap((suite) => {
    const dir = path.join(root, suite);
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((d) => fs.existsSync(path.join(dir, d, 'model.onnx')))
      .sort()
      .map((d) => `${suite}/${d}`);
  });
}

export function opsOf(name: string, root = TESTDATA_ROOT): string[] {
  const m = onnx.ModelProto.decode(fs.readFileSync(path.join(root, name, 'model.onnx')));
  return [...new Set((m.graph?.node ?? []).map((n) => n.opType ?? ''))].sort();
}

export function loadNodeCase(name: string, root = TESTDATA_ROOT): NodeCase {
  const dir = path.join(root, name);
  const m = onnx.ModelProto.decode(fs.readFileSync(path.join(dir, 'model.onnx')));
  const g = m.graph!;
  const initNames = new Set((g.initializer ?? []).map((t) => t.name));
  const graphInputs = (g.input ?? []).filter((vi) => !initNames.has(vi.name));
  const dataDir = path.join(dir, 'test_data_set_0');
  const paramInputs = new Set<string>();
  for (const vi of graphInputs) {
    const uses = (g.node ?? []).flatMap((n) =>
      (n.input ?? []).map((inp, slot) => (inp === vi.name ? { op: n.opType ?? '', slot } : undefined)).filter((u) => u !== undefined),
    );
    if (uses.length > 0 && uses.every((u) => PARAMETER_SLOTS[u!.op]?.includes(u!.slot))) paramInputs.add(vi.name ?? '');
  }
  const inputs: NodeCase['inputs'] = [];
  graphInputs.forEach((vi, k) => {
    const { proto, value } = readPb(path.join(dataDir, `input_${k}.pb`));
    if (paramInputs.has(vi.name ?? '')) {
      proto.name = vi.name ?? '';
      g.initializer = [...(g.initializer ?? []), proto];
    } else {
      inputs.push({ name: vi.name ?? '', dims: value.dims, data: Float32Array.from(value.data) });
    }
  });
  g.input = (g.input ?? []).filter((vi) => !paramInputs.has(vi.name ?? ''));
  const outputs = (g.output ?? []).map((vo, k) => {
    const { value } = readPb(path.join(dataDir, `output_${k}.pb`));
    return { name: vo.name ?? '', dims: value.dims, data: Float32Array.from(value.data), isFloat: value.isFloat };
  });
  return {
    name,
    ops: [...new Set((g.node ?? []).map((n) => n.opType ?? ''))].sort(),
    model: onnx.ModelProto.encode(m).finish(),
    inputs,
    outputs,
  };
}
