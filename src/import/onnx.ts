// ONNX → IR: decodes the model, folds constants, maps each node through the op table (NCHW → NHWC), and reports every
// unsupported node at once, so a user sees the whole list of what to change in one run.
import type { Graph, Preprocess } from '../ir/graph.ts';
import { TinyforgeError } from '../diagnostics.ts';
import { ImportContext, ImportProblem, type OnnxValue } from './onnx-context.ts';
import { checkOnnxModel } from './onnx-check.ts';
import { preprocessProblems } from '../ir/preprocess-check.ts';
import { FOLD_INPUTS, FOLDERS } from './onnx-fold.ts';
import { findBoundary } from './onnx-boundary.ts';
import { OpCall } from './onnx-op-call.ts';
import { with1d } from './onnx-ops-1d.ts';
import { expand, gather, slice, split } from './onnx-ops-plumbing.ts';
import { averagePool, batchNormalization, conv, gemm, globalAveragePool, globalMaxPool, matMul, maxPool, pad } from './onnx-ops-nn.ts';
import { argReduce, reduce } from './onnx-ops-reduce.ts';
import { instanceNormalization, layerNormalization } from './onnx-ops-norm.ts';
import { resize } from './onnx-ops-resize.ts';
import { convTranspose } from './onnx-ops-conv-transpose.ts';
import { depthToSpace, spaceToDepth, tile } from './onnx-ops-space.ts';
import { recurrent } from './onnx-ops-recurrent.ts';
import {
  binary,
  castPassThrough,
  concat,
  elementwise,
  neg,
  passThrough,
  prelu,
  reshapeLike,
  shapeOf,
  sizeOf,
  softmax,
  transpose,
  unary,
  variadicMinMax,
} from './onnx-ops-tensor.ts';
import { Attrs, dtypeName, type GraphProto, type ModelProto, onnx, readAttributes, readTensor, toNumber } from './onnx-proto-read.ts';

type Handler = (n: OpCall, used: Set<string>) => void;

/** One row per ONNX op that becomes IR nodes: each importer keeps its ops' facts in one table. */
const OP_TABLE: Record<string, Handler> = {
  Conv: with1d(conv),
  ConvTranspose: with1d(convTranspose),
  Gemm: gemm,
  MatMul: matMul,
  MaxPool: with1d(maxPool),
  AveragePool: with1d(averagePool),
  GlobalAveragePool: with1d(globalAveragePool),
  GlobalMaxPool: with1d(globalMaxPool),
  ReduceMean: reduce,
  ReduceMax: reduce,
  ReduceSum: reduce,
  ReduceMin: reduce,
  ReduceProd: reduce,
  ReduceL1: reduce,
  ReduceL2: reduce,
  ReduceSumSquare: reduce,
  ReduceLogSumExp: reduce,
  ArgMax: argReduce,
  ArgMin: argReduce,
  BatchNormalization: with1d(batchNormalization),
  LayerNormalization: layerNormalization,
  InstanceNormalization: with1d(instanceNormalization),
  Pad: pad,
  Slice: slice,
  Split: split,
  Gather: gather,
  Expand: expand,
  Resize: resize,
  DepthToSpace: depthToSpace,
  SpaceToDepth: spaceToDepth,
  Tile: tile,
  Upsample: resize,
  Add: binary,
  Sub: binary,
  Mul: binary,
  Div: binary,
  Min: variadicMinMax,
  Max: variadicMinMax,
  Pow: binary,
  Relu: elementwise('Relu'),
  Sigmoid: elementwise('Sigmoid'),
  Tanh: elementwise('Tanh'),
  HardSwish: elementwise('HardSwish'),
  HardSigmoid: unary,
  PRelu: prelu,
  Exp: elementwise('Exp'),
  Log: elementwise('Log'),
  Abs: elementwise('Abs'),
  Sqrt: elementwise('Sqrt'),
  Reciprocal: elementwise('Reciprocal'),
  Floor: elementwise('Floor'),
  Ceil: elementwise('Ceil'),
  Round: elementwise('Round'),
  Sign: elementwise('Sign'),
  Erf: elementwise('Erf'),
  Sin: elementwise('Sin'),
  Cos: elementwise('Cos'),
  Softplus: elementwise('Softplus'),
  Softsign: elementwise('Softsign'),
  Mish: elementwise('Mish'),
  Elu: unary,
  Selu: unary,
  Celu: unary,
  ThresholdedRelu: unary,
  Gelu: unary,
  LeakyRelu: unary,
  Clip: unary,
  Softmax: softmax,
  LogSoftmax: softmax,
  Concat: concat,
  Transpose: transpose,
  Reshape: reshapeLike,
  Flatten: reshapeLike,
  Squeeze: reshapeLike,
  Unsqueeze: reshapeLike,
  Identity: passThrough,
  Dropout: passThrough,
  Cast: castPassThrough,
  Shape: shapeOf,
  Size: sizeOf,
  Neg: neg,
  GRU: recurrent,
  LSTM: recurrent,
};

/** ONNX ops the importer turns into IR for runtime tensors. */
export const SUPPORTED_ONNX_OPS: readonly string[] = Object.keys(OP_TABLE).sort();
/** ONNX ops folded away when all their inputs are constants (shape arithmetic, Constant, Cast, …). */
export const FOLDABLE_ONNX_OPS: readonly string[] = Object.keys(FOLDERS).sort();

// Opsets 1–6 differ in legacy broadcasting (Add axis), BN is_test and Concat's default axis; the handlers check those.
const MIN_OPSET = 1;
const MAX_OPSET = 21;

function badFile(path: string, why: string): TinyforgeError {
  return new TinyforgeError('bad-model-file', `${path} is not a readable ONNX model: ${why}`, {
    location: { file: path },
    hint: 'check that the file is a complete .onnx export (not truncated, not a different format); re-export it, e.g. torch.onnx.export(model, x, "model.onnx")',
  });
}

function decode(bytes: Uint8Array, path: string): ModelProto {
  let m: ModelProto;
  try {
    m = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw badFile(path, (e as Error).message);
  }
  // Random bytes can decode as a protobuf by chance; a real model has a graph with nodes and an opset.
  if (!m.graph || !m.graph.node?.length || !m.opsetImport?.length || !toNumber(m.irVersion)) {
    throw badFile(path, 'no graph, nodes or opset were found');
  }
  return m;
}

function opsetOf(m: ModelProto, path: string): number {
  const def = m.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  const v = def ? toNumber(def.version) : 0;
  if (v < MIN_OPSET || v > MAX_OPSET) {
    throw new TinyforgeError('unsupported-opset', `${path} uses ONNX opset ${v}; tinyforge reads opsets ${MIN_OPSET}–${MAX_OPSET}`, {
      location: { file: path },
      hint: `convert it with onnx.version_converter.convert_version(model, 13)`,
    });
  }
  return v;
}

/** Graph inputs: static float tensors; a symbolic batch dim becomes 1, any other symbolic dim is an error. */
function readInputs(g: GraphProto, path: string): { name: string; dims: number[] }[] {
  const initNames = new Set((g.initializer ?? []).map((t) => t.name ?? ''));
  const inputs: { name: string; dims: number[] }[] = [];
  for (const vi of g.input ?? []) {
    const name = vi.name ?? '';
    if (initNames.has(name)) continue; // older exporters list initializers as inputs too
    const tt = vi.type?.tensorType;
    if (!tt) throw new TinyforgeError('unsupported-input', `input "${name}" is not a tensor`, { location: { file: path, node: name } });
    if (tt.elemType !== onnx.TensorProto.DataType.FLOAT) {
      throw new TinyforgeError(
        'unsupported-dtype',
        `input "${name}" has element type ${dtypeName(tt.elemType)}; tinyforge models take float32 inputs`,
        {
          location: { file: path, node: name },
          hint: 'export the model with a float32 input (quantization is done by tinyforge itself)',
        },
      );
    }
    const dims = (tt.shape?.dim ?? []).map((d, i) => {
      const v = d.dimValue != null ? toNumber(d.dimValue) : 0;
      if (v > 0) return v;
      if (i === 0) return 1; // batch: microcontrollers run one sample at a time
      throw new TinyforgeError(
        'dynamic-shape',
        `input "${name}" has a dynamic dimension ${i} (${d.dimParam || '?'}); tinyforge needs static shapes except the batch`,
        {
          location: { file: path, node: name },
          hint: 'export with fixed input sizes (torch.onnx.export without dynamic_axes other than the batch) or fix the dims with onnxruntime.tools.make_dynamic_shape_fixed',
        },
      );
    });
    inputs.push({ name, dims });
  }
  return inputs;
}

function readPreprocess(m: ModelProto, path: string): Preprocess | undefined {
  const prop = (m.metadataProps ?? []).find((p) => p.key === 'tinyforge.preprocess');
  if (!prop) return undefined;
  let p: unknown;
  let problems: string[];
  try {
    p = JSON.parse(prop.value ?? '');
    problems = preprocessProblems(p);
  } catch (e) {
    problems = [`it is not JSON: ${(e as Error).message}`];
  }
  if (problems.length > 0) {
    throw new TinyforgeError('bad-model-metadata', `metadata "tinyforge.preprocess" is not valid: ${problems[0]}`, {
      location: { file: path, field: 'tinyforge.preprocess' },
      notes: problems.slice(1),
      hint: 'write it as JSON {"scale": 0.00392, "mean": [0.1307], "std": [0.3081]} or remove it and pass --input-scale/--mean/--std',
    });
  }
  const { scale, mean, std } = p as Preprocess;
  return { scale, mean, std };
}

/** Imports an ONNX model (bytes of a .onnx file) into the IR. `path` names the file in errors. */
export function importOnnx(bytes: Uint8Array, path: string): Graph {
  const m = decode(bytes, path);
  checkOnnxModel(m, path);
  const opset = opsetOf(m, path);
  const g = m.graph!;
  const ctx = new ImportContext(path, opset);
  for (const t of g.initializer ?? []) ctx.values.set(t.name ?? '', { kind: 'const', c: readTensor(t, path) });
  const graphInputs = readInputs(g, path);
  const boundary = findBoundary(g, graphInputs);
  // A 4-D input is NCHW in ONNX; when the file is NHWC at the boundary, the act's ONNX view is the transposed one.
  for (const { name, dims } of graphInputs)
    ctx.defineAct(name, boundary.nhwcInputs && dims.length === 4 ? [dims[0], dims[3], dims[1], dims[2]] : dims);
  const inputs = graphInputs.map((i) => i.name);
  const outputNames = (g.output ?? []).map((o) => o.name ?? '');
  const used = new Set<string>([...outputNames, ...(g.node ?? []).flatMap((n) => (n.input ?? []).map(String))]);

  const unsupported: string[] = [];
  const rejected: string[] = [];
  const unreachable: { code: 'dangling-tensor' | 'not-topological'; note: string; node: string }[] = [];
  const producer = new Map<string, number>();
  (g.node ?? []).forEach((n, index) => (n.output ?? []).forEach((o) => o && !producer.has(o) && producer.set(o, index)));
  (g.node ?? []).forEach((node, index) => {
    const op = node.opType ?? '';
    const name = node.name || `${op}_${index}`;
    const label = `node "${name}" (${op})`;
    // An input nothing has produced yet: named here, so the error points at this node, not at a "constant" output.
    for (const i of node.input ?? []) {
      if (!i || ctx.values.has(i)) continue;
      const later = producer.get(i);
      if (later === undefined)
        unreachable.push({
          code: 'dangling-tensor',
          node: name,
          note: `${label}: input "${i}" is not a graph input, an initializer or any node's output`,
        });
      else
        unreachable.push({
          code: 'not-topological',
          node: name,
          note: `${label}: input "${i}" is produced by ${later === index ? 'this node itself' : `the later node "${g.node![later].name || `${g.node![later].opType}_${later}`}"`} (a cycle, or nodes out of order)`,
        });
    }
    const ins: (OnnxValue | undefined)[] = (node.input ?? []).map((i) => (i ? (ctx.values.get(i) ?? { kind: 'unknown' }) : undefined));
    const markUnknown = () => (node.output ?? []).forEach((o) => ctx.values.set(o, { kind: 'unknown' }));
    if (boundary.skip.has(node)) {
      ctx.values.set(node.output![0], ctx.values.get(node.input![0])!); // the IR tensor is NHWC already
      return;
    }
    if (node.domain && node.domain !== 'ai.onnx') {
      unsupported.push(`${label}: custom domain "${node.domain}"`);
      return markUnknown();
    }
    // Op names come from the file: a table lookup must not find Object.prototype's "constructor" or "toString".
    const handler = Object.hasOwn(OP_TABLE, op) ? OP_TABLE[op] : undefined;
    const folder = Object.hasOwn(FOLDERS, op) ? FOLDERS[op] : undefined;
    if (!handler && !folder) {
      unsupported.push(label);
      return markUnknown();
    }
    if (ins.some((v) => v?.kind === 'unknown')) return markUnknown(); // downstream of a problem already reported
    const attrs = new Attrs(readAttributes(node));
    try {
      if (folder && ins.every((v) => v === undefined || v.kind === 'const')) {
        const need = Object.hasOwn(FOLD_INPUTS, op) ? FOLD_INPUTS[op] : 0;
        const given = ins.slice(0, need).filter((v) => v !== undefined).length;
        if (given < need) throw new ImportProblem(`${op} needs ${need} input${need > 1 ? 's' : ''}, the node gives ${given}`);
        const results = folder(
          ins.map((v) => (v?.kind === 'const' ? v.c : undefined)),
          attrs,
          opset,
          path,
        );
        results.forEach((c, k) => node.output?.[k] && ctx.values.set(node.output[k], { kind: 'const', c }));
      } else if (handler) {
        handler(new OpCall(ctx, node, name, attrs, ins), used);
      } else {
        unsupported.push(`${label}: tinyforge folds ${op} only when its inputs are constants, here it reads a runtime tensor`);
        markUnknown();
      }
    } catch (e) {
      if (!(e instanceof ImportProblem)) throw e;
      rejected.push(`${label}: ${e.message}`);
      markUnknown();
    }
  });

  if (unreachable.length > 0) {
    const codes = new Set(unreachable.map((u) => u.code));
    throw new TinyforgeError(
      codes.size === 1 ? unreachable[0].code : 'invalid-model',
      `${unreachable.length} node input${unreachable.length > 1 ? 's are' : ' is'} never computed before ${unreachable.length > 1 ? 'they are' : 'it is'} read`,
      {
        location: { file: path, node: unreachable[0].node },
        notes: unreachable.map((u) => u.note),
        hint: 'ONNX nodes must come after the nodes that produce their inputs, and every input must be a graph input, an initializer or a node output; re-export the model',
      },
    );
  }
  if (unsupported.length > 0) {
    throw new TinyforgeError(
      'unsupported-op',
      `${unsupported.length} node${unsupported.length > 1 ? 's use ops' : ' uses an op'} tinyforge cannot compile`,
      {
        location: { file: path },
        notes: [...unsupported, ...rejected],
        hint: `export the model without these layers; supported ops: ${SUPPORTED_ONNX_OPS.join(', ')}`,
      },
    );
  }
  if (rejected.length > 0) {
    throw new TinyforgeError(
      'unsupported-attribute',
      `${rejected.length} node${rejected.length > 1 ? 's use' : ' uses'} an op in a way tinyforge cannot compile`,
      {
        location: { file: path },
        notes: rejected,
        hint: 'change these layers (see each note) and export again',
      },
    );
  }
  const outputs = bindOutputs(ctx, outputNames, inputs, path);
  const preprocess = readPreprocess(m, path);
  return {
    name: g.name || path.replace(/^.*\//, '').replace(/\.onnx$/, ''),
    inputs,
    outputs,
    tensors: ctx.tensors,
    nodes: ctx.nodes,
    metadata: {
      source: { path, format: 'onnx' },
      // 4-D inputs/outputs in the file's layout; the IR is NHWC, so run/conformance transpose at an NCHW boundary.
      inputLayout: boundary.nhwcInputs ? 'NHWC' : 'NCHW',
      outputLayout: boundary.nhwcOutputs ? 'NHWC' : 'NCHW',
      onnx: { opset, producer: `${m.producerName ?? ''} ${m.producerVersion ?? ''}`.trim() },
      ...(preprocess ? { preprocess } : {}),
    },
  };
}

/** IR outputs keep their ONNX names; an output that aliases another tensor (Identity/Dropout) is renamed or copied. */
function bindOutputs(ctx: ImportContext, names: string[], inputs: string[], path: string): string[] {
  return names.map((name) => {
    const v = ctx.values.get(name);
    if (!v) {
      throw new TinyforgeError('dangling-tensor', `output "${name}" is not produced by any node`, {
        location: { file: path, node: name },
        hint: 'every graph output must be a node output (or a graph input); re-export the model',
      });
    }
    if (v.kind !== 'act') {
      throw new TinyforgeError('constant-output', `output "${name}" is a constant (it does not depend on any input)`, {
        location: { file: path, node: name },
        hint: 'remove this output from the model; tinyforge compiles only outputs computed from the inputs',
      });
    }
    if (v.ir === name) return name;
    const producedHere = ctx.nodes.some((n) => n.outputs.includes(v.ir));
    const isOtherOutput = names.includes(v.ir) || inputs.includes(v.ir);
    if (producedHere && !isOtherOutput && !Object.hasOwn(ctx.tensors, name)) {
      renameTensor(ctx, v.ir, name);
      return name;
    }
    const copy = ctx.scratch(name, ctx.tensors[v.ir].shape);
    ctx.addNode('Reshape', `${name}/copy`, [v.ir], [copy], { shape: ctx.tensors[v.ir].shape });
    return copy;
  });
}

function renameTensor(ctx: ImportContext, from: string, to: string): void {
  ctx.tensors[to] = { ...ctx.tensors[from], name: to };
  delete ctx.tensors[from];
  for (const n of ctx.nodes) {
    n.inputs = n.inputs.map((i) => (i === from ? to : i));
    n.outputs = n.outputs.map((o) => (o === from ? to : o));
  }
  for (const [k, v] of ctx.values) if (v.kind === 'act' && v.ir === from) ctx.values.set(k, { ...v, ir: to });
}
