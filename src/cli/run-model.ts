// Runs a graph on given input tensors on a board: 'reference' (the TS interpreter), 'host' or an emulated board
// (generated C through the serial link). Inputs and outputs keep the model file's own layout (NCHW for ONNX images).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TinyforgeError } from '../diagnostics.ts';
import { product, type Graph, type TensorData } from '../ir/graph.ts';
import { nchwToNhwc, nhwcToNchw } from '../ir/layout.ts';
import type { TensorProtoValue } from '../data/tensor-proto.ts';
import { runGraph } from '../reference/interpreter.ts';
import { loadBoard } from '../build/boards.ts';
import { generateModel } from '../codegen/generate.ts';
import { writeProject, loadProject } from '../codegen/project.ts';
import { buildProject } from '../build/build-project.ts';
import { openDevice } from '../device/device-session.ts';
import { packInputs, splitOutputs } from '../device/io-buffers.ts';

const PROTO_DTYPE = { f32: 'float', i8: 'int8', u8: 'uint8', i32: 'int32' } as const;

function toIrInput(g: Graph, name: string, v: TensorProtoValue): TensorData {
  const t = g.tensors[name];
  if (v.data instanceof BigInt64Array) throw new TinyforgeError('bad-input', `input "${name}" is int64; the model takes ${t.dtype}`);
  if (v.data.length !== product(t.shape)) {
    throw new TinyforgeError(
      'bad-input',
      `input "${name}" has ${v.data.length} elements, the model takes ${product(t.shape)} (shape [${t.shape.join(',')}])`,
    );
  }
  return g.metadata.inputLayout === 'NCHW' && t.shape.length === 4
    ? nchwToNhwc(v.data, [t.shape[0], t.shape[3], t.shape[1], t.shape[2]])
    : v.data;
}

function toProto(g: Graph, name: string, data: TensorData): TensorProtoValue {
  const t = g.tensors[name];
  const nchw = g.metadata.outputLayout === 'NCHW' && t.shape.length === 4;
  return {
    name,
    dims: nchw ? [t.shape[0], t.shape[3], t.shape[1], t.shape[2]] : [...t.shape],
    dtype: PROTO_DTYPE[t.dtype],
    data: nchw ? nhwcToNchw(data, t.shape) : data,
  };
}

export async function runOnBoard(
  g: Graph,
  boardId: string,
  inputs: Record<string, TensorProtoValue>,
): Promise<Record<string, TensorProtoValue>> {
  const irInputs = Object.fromEntries(g.inputs.map((n) => [n, toIrInput(g, n, inputs[n])]));
  if (boardId === 'reference') {
    const out = runGraph(g, irInputs).outputs;
    return Object.fromEntries(g.outputs.map((n) => [n, toProto(g, n, out[n])]));
  }
  const board = loadBoard(boardId);
  const dir = mkdtempSync(join(tmpdir(), 'tinyforge-run-'));
  try {
    const generated = generateModel(g, { board });
    writeProject(join(dir, 'project'), {
      graph: g,
      generated,
      board: board.id,
      modelPath: g.metadata.source?.path ?? '',
      quantization: 'as-is',
      lib: false,
      compression: null,
      force: true,
    });
    const project = loadProject(join(dir, 'project'));
    const fw = await buildProject(project, board);
    const session = await openDevice(board, fw.elfPath);
    try {
      const r = await session.run(packInputs(g, irInputs));
      const out = splitOutputs(g, r.output);
      return Object.fromEntries(g.outputs.map((n) => [n, toProto(g, n, out[n])]));
    } finally {
      await session.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
