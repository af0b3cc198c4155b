// TFLite (.tflite flatbuffer) → IR. Layouts already match the IR (NHWC, OHWI, depthwise [1,KH,KW,C*M], FC [out,in]),
// and quantization is carried over exactly, so an imported int8 model can reproduce TFLM's outputs bit for bit.
import { TinyforgeError } from '../diagnostics.ts';
import type { Graph, Node, Tensor } from '../ir/graph.ts';
import { validateGraph } from '../ir/validate.ts';
import { builtinOpName } from './tflite-options.ts';
import { CONVERTERS } from './tflite-ops.ts';
import { readTfliteModel, type TfliteModel, type TfliteSubgraph } from './tflite-schema.ts';
import { TensorTable, UnsupportedFeature } from './tflite-tensors.ts';

/**
 * Imports the first subgraph of a .tflite model. A corrupt or truncated file throws TinyforgeError 'bad-model-file';
 * ops, versions, types or options tinyforge cannot map throw one 'unsupported-op' listing every such node.
 */
export function importTflite(bytes: Uint8Array, path: string): Graph {
  const model = readTfliteModel(bytes, path);
  const sg = model.subgraphs[0];
  const tt = new TensorTable(model, sg ?? { name: '', tensors: [], inputs: [], outputs: [], operators: [] }, path);
  if (!sg) tt.fail('it has no subgraphs');
  checkStructure(tt, model, sg);

  const nodes: Node[] = [];
  const unsupported: string[] = [];
  const dequantized: string[] = [];
  const inputs: string[] = [];
  for (const i of sg.inputs) {
    try {
      inputs.push(tt.use(i));
    } catch (e) {
      if (!(e instanceof UnsupportedFeature)) throw e;
      unsupported.push(`graph input ${i} "${sg.tensors[i].name}": ${e.message}`);
    }
  }
  for (const op of sg.operators) {
    const code = model.operatorCodes[op.opcodeIndex];
    const opName = builtinOpName(code.builtinCode, code.customCode);
    const outName = sg.tensors[op.outputs[0]]?.name ?? '';
    const where = `node ${op.index} "${outName}" (${opName})`;
    const row = Object.hasOwn(CONVERTERS, opName) ? CONVERTERS[opName] : undefined;
    if (!row) {
      unsupported.push(`${where}: op ${opName} is not supported`);
      continue;
    }
    if (code.version > row.maxVersion) {
      unsupported.push(`${where}: version ${code.version} is newer than the supported ${row.maxVersion}`);
      continue;
    }
    try {
      const name = row.indexOutput ? tt.useIndex(op.outputs[0]) : tt.use(op.outputs[0]);
      nodes.push(...row.convert({ tt, op, name, dequantized }));
    } catch (e) {
      if (!(e instanceof UnsupportedFeature)) throw e;
      unsupported.push(`${where}: ${e.message}`);
    }
  }
  if (unsupported.length > 0) {
    throw new TinyforgeError(
      'unsupported-op',
      `${unsupported.length} node${unsupported.length > 1 ? 's' : ''} of ${path} use ops tinyforge cannot import`,
      {
        location: { file: path },
        notes: unsupported,
        hint: `supported: ${Object.keys(CONVERTERS).join(', ')} with fused NONE/RELU/RELU6, on FLOAT32/INT8 tensors; re-export the model without the others`,
      },
    );
  }
  const outputs = sg.outputs.map((i) => tt.use(i));
  const graph: Graph = {
    name: baseName(path),
    inputs,
    outputs,
    tensors: usedTensors(tt.tensors, nodes, inputs, outputs),
    nodes,
    metadata: {
      source: { path, format: 'tflite' },
      inputLayout: 'NHWC',
      outputLayout: 'NHWC',
      tflite: {
        schemaVersion: model.version,
        description: model.description ?? '',
        minRuntimeVersion: metadataString(model, 'min_runtime_version'),
        operatorCodes: model.operatorCodes.map((c) => `${builtinOpName(c.builtinCode, c.customCode)}/v${c.version}`),
        ...(dequantized.length > 0 ? { hybridWeightsDequantized: dequantized } : {}),
      },
    },
  };
  // The IR's own checks (shapes agree with inference, attrs well-formed, no NaN weights) on top of the file checks.
  validateGraph(graph, path);
  return graph;
}

/** Index ranges, opcode indices and execution order: what must hold before any op is converted. */
function checkStructure(tt: TensorTable, model: TfliteModel, sg: TfliteSubgraph): void {
  const n = sg.tensors.length;
  const inRange = (i: number) => Number.isInteger(i) && i >= 0 && i < n;
  for (const i of [...sg.inputs, ...sg.outputs]) {
    if (!inRange(i)) tt.fail(`subgraph input/output ${i} is outside its ${n} tensors`);
  }
  const ready = new Set<number>(sg.inputs);
  // Variable tensors (an LSTM's states) hold zeros before any operator writes them.
  for (let i = 0; i < n; i++) if (tt.isConstant(i) || sg.tensors[i].isVariable) ready.add(i);
  for (const op of sg.operators) {
    if (op.opcodeIndex >= model.operatorCodes.length) {
      tt.fail(`operator ${op.index} uses opcode ${op.opcodeIndex}, but the model lists ${model.operatorCodes.length}`);
    }
    if (op.outputs.length === 0) tt.fail(`operator ${op.index} has no outputs`);
    for (const i of op.inputs) {
      if (i === -1) continue;
      if (!inRange(i)) tt.fail(`operator ${op.index} reads tensor ${i}, outside the ${n} tensors`);
      if (!ready.has(i)) tt.fail(`operator ${op.index} reads tensor "${sg.tensors[i].name}" before any operator writes it`);
    }
    for (const o of op.outputs) {
      if (!inRange(o)) tt.fail(`operator ${op.index} writes tensor ${o}, outside the ${n} tensors`);
      if (ready.has(o))
        tt.fail(`operator ${op.index} writes tensor "${sg.tensors[o].name}", which is already an input, constant or earlier output`);
      ready.add(o);
    }
  }
  for (const o of sg.outputs) if (!ready.has(o)) tt.fail(`subgraph output "${sg.tensors[o].name}" is never written`);
}

/** Only tensors a node or the graph boundary refers to (e.g. a RESHAPE's shape operand is dropped). */
function usedTensors(all: Record<string, Tensor>, nodes: Node[], inputs: string[], outputs: string[]): Record<string, Tensor> {
  const used = new Set([...inputs, ...outputs, ...nodes.flatMap((n) => [...n.inputs, ...n.outputs])]);
  const out: Record<string, Tensor> = Object.create(null);
  for (const [k, t] of Object.entries(all)) if (used.has(k)) out[k] = t;
  return out;
}

function metadataString(model: TfliteModel, key: string): string | undefined {
  const m = model.metadata.find((x) => x.name === key);
  const data = m ? model.buffers[m.buffer]?.data : null;
  return data ? new TextDecoder().decode(data).replace(/\0+$/, '') : undefined;
}

function baseName(path: string): string {
  return (path.split(/[\\/]/).pop() ?? path).replace(/\.tflite$/i, '');
}
