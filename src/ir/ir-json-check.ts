// The .tfir.json validation layer: the parsed JSON is checked field by field (types, ranks, ranges, value counts)
// before graphFromJson builds a single typed array, so a hand-edited or truncated file gives one error naming the
// field, never a TypeError deep in a pass. The graph-level checks (ops, shapes, order) follow in validateGraph.
import { TinyforgeError } from '../diagnostics.ts';
import { OP_TYPES } from './graph.ts';

/** Element ranges of the typed arrays a tensor's data may be stored as. */
const DATA_TYPES: Readonly<Record<string, { min: number; max: number; integer: boolean }>> = Object.freeze(
  Object.assign(Object.create(null), {
    Float32Array: { min: -Infinity, max: Infinity, integer: false },
    Int8Array: { min: -128, max: 127, integer: true },
    Int32Array: { min: -(2 ** 31), max: 2 ** 31 - 1, integer: true },
    Uint8Array: { min: 0, max: 255, integer: true },
  }),
);
const DTYPES = new Set(['f32', 'i8', 'i32', 'u8']);
const STORAGE_KINDS = new Set(['dense', 'f16', 'int4', 'binary', 'clustered']);
const OPS = new Set<string>(OP_TYPES);
/** Dims above this cannot be a tensor any board holds; the byte limit itself is validateGraph's. */
const MAX_DIM = 2 ** 31 - 1;
const MAX_RANK = 8;

type Json = Record<string, unknown>;

class IrFileProblem extends Error {}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** graphToJson writes non-finite floats as these strings (JSON has no NaN or Infinity). */
const isFloatValue = (v: unknown): boolean => typeof v === 'number' || v === 'Infinity' || v === '-Infinity' || v === 'NaN';

function fail(where: string, what: string): never {
  throw new IrFileProblem(`${where}: ${what}`);
}

function checkStringList(v: unknown, where: string): asserts v is string[] {
  if (!Array.isArray(v)) fail(where, 'is missing or not a list');
  v.forEach((s, i) => typeof s !== 'string' && fail(`${where}[${i}]`, `is ${JSON.stringify(s)}, not a tensor name`));
}

function checkNumbers(
  v: unknown,
  where: string,
  opts: { integer?: boolean; min?: number; max?: number; length?: number } = {},
): asserts v is number[] {
  if (!Array.isArray(v)) fail(where, 'is missing or not a list of numbers');
  if (opts.length !== undefined && v.length !== opts.length) fail(where, `has ${v.length} values, ${opts.length} expected`);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) fail(`${where}[${i}]`, `is ${JSON.stringify(x)}, not a finite number`);
    if (opts.integer && !Number.isInteger(x)) fail(`${where}[${i}]`, `is ${x}, not an integer`);
    if ((opts.min !== undefined && x < opts.min) || (opts.max !== undefined && x > opts.max))
      fail(`${where}[${i}]`, `is ${x}, outside ${opts.min}..${opts.max}`);
  }
}

function checkShape(v: unknown, where: string): number {
  if (!Array.isArray(v)) fail(where, 'is missing or not a list of dims');
  if (v.length > MAX_RANK) fail(where, `has rank ${v.length}; tinyforge tensors have rank ≤ ${MAX_RANK}`);
  let n = 1;
  v.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > MAX_DIM)
      fail(`${where}[${i}]`, `is ${JSON.stringify(d)}, not a dim (an integer 0..${MAX_DIM})`);
    n *= d;
  });
  return n;
}

function checkData(d: unknown, where: string, elements: number): void {
  if (!isObject(d)) fail(where, 'is not an object {type, values}');
  const type = d.type;
  if (typeof type !== 'string' || !Object.hasOwn(DATA_TYPES, type))
    fail(`${where}.type`, `is ${JSON.stringify(type)}; one of ${Object.keys(DATA_TYPES).join(', ')}`);
  const range = DATA_TYPES[type];
  const values = d.values;
  if (!Array.isArray(values)) fail(`${where}.values`, 'is missing or not a list');
  if (values.length !== elements) fail(`${where}.values`, `has ${values.length} values; the shape holds ${elements}`);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (range.integer) {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < range.min || x > range.max)
        fail(`${where}.values[${i}]`, `is ${JSON.stringify(x)}, not a ${type} value (${range.min}..${range.max})`);
    } else if (!isFloatValue(x)) fail(`${where}.values[${i}]`, `is ${JSON.stringify(x)}, not a number`);
  }
}

function checkQuant(q: unknown, where: string, rank: number): void {
  if (!isObject(q)) fail(where, 'is not an object {scale, zeroPoint, axis?}');
  checkNumbers(q.scale, `${where}.scale`);
  checkNumbers(q.zeroPoint, `${where}.zeroPoint`, { integer: true, min: -(2 ** 31), max: 2 ** 31 - 1 });
  if (q.axis !== undefined && (typeof q.axis !== 'number' || !Number.isInteger(q.axis) || q.axis < 0 || q.axis >= Math.max(rank, 1))) {
    fail(`${where}.axis`, `is ${JSON.stringify(q.axis)}, not an axis of a rank-${rank} tensor`);
  }
}

function checkStorage(s: unknown, where: string, elements: number): void {
  if (!isObject(s)) fail(where, 'is not an object {kind, …}');
  if (typeof s.kind !== 'string' || !STORAGE_KINDS.has(s.kind))
    fail(`${where}.kind`, `is ${JSON.stringify(s.kind)}; one of ${[...STORAGE_KINDS].join(', ')}`);
  if (s.kind === 'binary') checkNumbers(s.alpha, `${where}.alpha`);
  if (s.kind === 'clustered') {
    checkNumbers(s.codebook, `${where}.codebook`);
    const k = (s.codebook as number[]).length;
    if (k < 1 || k > 256) fail(`${where}.codebook`, `has ${k} entries; 1..256`);
    checkNumbers(s.indices, `${where}.indices`, { integer: true, min: 0, max: k - 1, length: elements });
    for (const flag of ['huffman', 'sparse', 'half'] as const) {
      if (s[flag] !== undefined && typeof s[flag] !== 'boolean')
        fail(`${where}.${flag}`, `is ${JSON.stringify(s[flag])}, not true or false`);
    }
  }
}

function checkTensor(name: string, t: unknown): void {
  const where = `tensors["${name}"]`;
  if (!isObject(t)) fail(where, 'is not an object');
  if (t.name !== undefined && t.name !== name) fail(`${where}.name`, `is ${JSON.stringify(t.name)}; it must be the key it is stored under`);
  const elements = checkShape(t.shape, `${where}.shape`);
  if (typeof t.dtype !== 'string' || !DTYPES.has(t.dtype))
    fail(`${where}.dtype`, `is ${JSON.stringify(t.dtype)}; one of ${[...DTYPES].join(', ')}`);
  if (t.data !== undefined && t.data !== null) checkData(t.data, `${where}.data`, elements);
  if (t.mask !== undefined && t.mask !== null) checkNumbers(t.mask, `${where}.mask`, { integer: true, min: 0, max: 1, length: elements });
  if (t.quant !== undefined && t.quant !== null) checkQuant(t.quant, `${where}.quant`, (t.shape as number[]).length);
  if (t.storage !== undefined && t.storage !== null) checkStorage(t.storage, `${where}.storage`, elements);
}

function checkNode(n: unknown, i: number): void {
  const where = `nodes[${i}]`;
  if (!isObject(n)) fail(where, 'is not an object {name, op, inputs, outputs, attrs}');
  if (typeof n.name !== 'string') fail(`${where}.name`, `is ${JSON.stringify(n.name)}, not a string`);
  const at = `${where} "${n.name}"`;
  if (typeof n.op !== 'string' || !OPS.has(n.op)) fail(`${at}.op`, `is ${JSON.stringify(n.op)}, not an IR op (${OP_TYPES.join(', ')})`);
  checkStringList(n.inputs, `${at}.inputs`);
  checkStringList(n.outputs, `${at}.outputs`);
  if (!isObject(n.attrs)) fail(`${at}.attrs`, 'is missing or not an object');
  // Attributes are numbers, strings, booleans or lists of numbers (strides, pads, perm …); nothing nests deeper.
  for (const [k, v] of Object.entries(n.attrs)) {
    const flat = v === null || ['number', 'string', 'boolean'].includes(typeof v) || (Array.isArray(v) && v.every(isFloatValue));
    if (!flat)
      fail(`${at}.attrs.${k}`, `is ${JSON.stringify(v)?.slice(0, 40)}; attributes are numbers, strings, booleans or lists of numbers`);
  }
}

const LAYOUTS = ['NCHW', 'NHWC', 'NCW', 'NWC'];

/** The metadata fields code reads as text (C comments, ONNX export): strings where strings belong. */
function checkMetadata(m: unknown): void {
  if (!isObject(m)) fail('metadata', 'is not an object');
  if (m.source !== undefined) {
    if (!isObject(m.source)) fail('metadata.source', 'is not an object {path, format}');
    if (typeof m.source.path !== 'string') fail('metadata.source.path', `is ${JSON.stringify(m.source.path)}, not a file path`);
    if (m.source.format !== undefined && typeof m.source.format !== 'string')
      fail('metadata.source.format', `is ${JSON.stringify(m.source.format)}, not a format name`);
  }
  for (const k of ['inputLayout', 'outputLayout'] as const) {
    if (m[k] !== undefined && !LAYOUTS.includes(m[k] as string))
      fail(`metadata.${k}`, `is ${JSON.stringify(m[k])}; one of ${LAYOUTS.join(', ')}`);
  }
  if (m.labels !== undefined && !(Array.isArray(m.labels) && m.labels.every((l) => typeof l === 'string')))
    fail('metadata.labels', 'is not a list of strings');
  if (m.compression !== undefined && !isObject(m.compression)) fail('metadata.compression', 'is not an object');
}

/**
 * Checks the parsed JSON of a .tfir.json file has the shape graphToJson writes; throws 'bad-model-file' naming the
 * first field that is wrong (the file and what to do next in the hint). `file` names the file in the error.
 */
export function checkIrJson(raw: unknown, file = '<.tfir.json>'): void {
  try {
    if (!isObject(raw)) fail('the file', `holds ${Array.isArray(raw) ? 'a list' : JSON.stringify(raw)?.slice(0, 40)}, not a graph object`);
    if (typeof raw.name !== 'string') fail('name', 'is missing or not a string');
    checkStringList(raw.inputs, 'inputs');
    checkStringList(raw.outputs, 'outputs');
    if (!isObject(raw.tensors)) fail('tensors', 'is missing or not an object (tensor name → tensor)');
    for (const [name, t] of Object.entries(raw.tensors)) checkTensor(name, t);
    if (!Array.isArray(raw.nodes)) fail('nodes', 'is missing or not a list');
    raw.nodes.forEach(checkNode);
    if (raw.metadata !== undefined) checkMetadata(raw.metadata);
  } catch (e) {
    if (!(e instanceof IrFileProblem)) throw e;
    throw new TinyforgeError('bad-model-file', `${file} is not a valid tinyforge IR file: ${e.message}`, {
      location: { file },
      hint: 'write it with `tinyforge compress … -o model.tfir.json` (or fix the field named above)',
    });
  }
}
