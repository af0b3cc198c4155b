// validateGraph: checks a whole graph before any pass or codegen runs and reports every problem at once.
import type { Graph, Node, Tensor } from './graph.ts';
import { product } from './graph.ts';
import { opDef, opDefs, type InputInfo } from './ops/index.ts';
import { fmtShape } from './ops/op-def.ts';
import { throwProblems, type GraphProblem } from './problems.ts';
import { isStaticDim } from './shape-inference.ts';
import { preprocessProblems } from './preprocess-check.ts';

/** Tensors above this size cannot be addressed by the generated C (32-bit sizes and offsets), let alone fit a microcontroller. */
export const MAX_TENSOR_BYTES = 2 ** 31 - 1;

const BYTES_PER_ELEMENT = { f32: 4, i32: 4, i8: 1, u8: 1 } as const;

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Problems with one tensor on its own: shape, size, data length, quant params, non-finite weights. */
function tensorProblems(t: Tensor, users: string[], g: Graph): GraphProblem[] {
  const out: GraphProblem[] = [];
  const at = { tensor: t.name };
  if (!t.shape.every(isStaticDim)) {
    out.push({ ...at, code: 'dynamic-shape', reason: `has shape ${fmtShape(t.shape)}; every dim must be a fixed positive integer` });
    return out;
  }
  const bytes = product(t.shape) * (BYTES_PER_ELEMENT[t.dtype] ?? 4);
  if (bytes > MAX_TENSOR_BYTES)
    out.push({
      ...at,
      code: 'tensor-too-large',
      reason: `shape ${fmtShape(t.shape)} needs ${bytes} bytes; the limit is ${MAX_TENSOR_BYTES}`,
    });
  if (t.data) {
    if (t.data.length !== product(t.shape))
      out.push({
        ...at,
        code: 'invalid-model',
        reason: `has ${t.data.length} values but shape ${fmtShape(t.shape)} needs ${product(t.shape)}`,
      });
    if (t.data instanceof Float32Array) {
      let bad = 0;
      let first = -1;
      for (let i = 0; i < t.data.length; i++)
        if (!Number.isFinite(t.data[i])) {
          bad++;
          if (first < 0) first = i;
        }
      if (bad > 0) {
        const usedBy = users.length
          ? `, used by ${users.map((n) => `node "${n}" (${g.nodes.find((x) => x.name === n)?.op})`).join(', ')}`
          : '';
        // Name the first user as the node so the location points at a layer the user recognises.
        const firstUser = g.nodes.find((x) => x.name === users[0]);
        out.push({
          code: 'nan-weights',
          node: firstUser?.name,
          op: firstUser?.op,
          reason: `weights "${t.name}" hold ${bad} NaN/Inf value(s) (first at index ${first})${usedBy}`,
        });
      }
    }
  }
  if (t.quant) {
    const { scale, zeroPoint, axis } = t.quant;
    if (scale.length !== zeroPoint.length)
      out.push({ ...at, code: 'invalid-model', reason: `quant has ${scale.length} scales but ${zeroPoint.length} zero points` });
    if (!scale.every((s) => Number.isFinite(s) && s > 0))
      out.push({ ...at, code: 'invalid-model', reason: 'quant scales must be finite and positive' });
    if (axis !== undefined) {
      if (axis < 0 || axis >= t.shape.length || scale.length !== t.shape[axis]) {
        out.push({
          ...at,
          code: 'invalid-model',
          reason: `per-channel quant on axis ${axis} has ${scale.length} scales for shape ${fmtShape(t.shape)}`,
        });
      }
    } else if (scale.length !== 1)
      out.push({ ...at, code: 'invalid-model', reason: `per-tensor quant must have one scale, got ${scale.length}` });
  } else if (t.dtype === 'i8') {
    out.push({ ...at, code: 'invalid-model', reason: 'is int8 but has no quant params (scale, zero point)' });
  }
  return out;
}

/** Dtype mismatches inside one node: float and int8 activations mixed, weights or bias of the wrong type, wrong output dtype. */
function dtypeProblems(node: Node, inputs: (Tensor | undefined)[], outputs: (Tensor | undefined)[]): string[] {
  const x = inputs[0];
  if (!x || node.op === 'Quantize' || node.op === 'Dequantize') return [];
  const problems: string[] = [];
  const want = x.dtype;
  if (opDef(node.op).weightChannelAxis !== null) {
    const [, w, b] = inputs;
    if (w && w.dtype !== want) problems.push(`input is ${want} but weights "${w.name}" are ${w.dtype}`);
    const biasWant = want === 'i8' ? 'i32' : 'f32';
    if (b && b.dtype !== biasWant) problems.push(`bias "${b.name}" is ${b.dtype}; a ${want} ${node.op} needs an ${biasWant} bias`);
  } else if (node.op !== 'BatchNormalization') {
    // A GRU / LSTM bias (input 3) is int32 beside int8 weights, as a Dense bias.
    const biasAt = node.op === 'GRU' || node.op === 'LSTM' ? 3 : -1;
    inputs.forEach((t, i) => {
      if (i === biasAt && t) {
        const biasWant = want === 'i8' ? 'i32' : 'f32';
        if (t.dtype !== biasWant) problems.push(`bias "${t.name}" is ${t.dtype}; a ${want} ${node.op} needs an ${biasWant} bias`);
      } else if (i > 0 && t && t.dtype !== want)
        problems.push(`mixes ${want} input "${x.name}" with ${t.dtype} input "${t.name}"; insert a Quantize or Dequantize`);
    });
  }
  // An index op (ArgMax) writes int32 positions whatever its input's dtype.
  const outWant = opDef(node.op).int8Output === 'index' ? 'i32' : want;
  for (const o of outputs) if (o && o.dtype !== outWant) problems.push(`output "${o.name}" is ${o.dtype} but the input is ${want}`);
  return problems;
}

/**
 * Throws one TinyforgeError listing every problem in `g`: unknown ops, dangling tensors, nodes out of order,
 * dynamic shapes, malformed attrs or shapes, shapes that disagree with inference, NaN/Inf weights, oversized tensors.
 * The code is the specific one when all problems share it ('nan-weights', 'dangling-tensor', …), else 'invalid-model'.
 * `file` (the model path) goes into the error's location.
 */
export function validateGraph(g: Graph, file?: string): void {
  const problems: GraphProblem[] = [];
  const users = new Map<string, string[]>();
  for (const n of g.nodes) for (const i of n.inputs) if (i) users.set(i, [...(users.get(i) ?? []), n.name]);

  const names = new Set<string>();
  for (const n of g.nodes) {
    if (names.has(n.name)) problems.push({ node: n.name, op: n.op, code: 'invalid-model', reason: 'node name is used twice' });
    names.add(n.name);
  }
  if (g.outputs.length === 0) problems.push({ code: 'invalid-model', reason: 'the graph has no outputs' });

  for (const t of Object.values(g.tensors)) problems.push(...tensorProblems(t, users.get(t.name) ?? [], g));

  // Names come from the file: only own entries count ("constructor" must not find Object.prototype's).
  const tensorOf = (name: string): Tensor | undefined => (Object.hasOwn(g.tensors, name) ? g.tensors[name] : undefined);
  const available = new Set<string>(g.inputs.filter((i) => tensorOf(i)));
  for (const i of g.inputs)
    if (!tensorOf(i)) problems.push({ tensor: i, code: 'dangling-tensor', reason: 'is listed as a graph input but has no tensor entry' });
  for (const t of Object.values(g.tensors)) if (t.data) available.add(t.name);
  const producer = new Map<string, number>();
  g.nodes.forEach((n, idx) => n.outputs.forEach((o) => producer.set(o, idx)));

  g.nodes.forEach((node, idx) => {
    const where = { node: node.name, op: node.op };
    if (!Object.hasOwn(opDefs, node.op)) {
      problems.push({ ...where, code: 'unknown-op', reason: `op "${node.op}" is not an IR op` });
    }
    let inputsOk = true;
    for (const name of node.inputs) {
      if (name === '' || available.has(name)) continue;
      inputsOk = false;
      const p = producer.get(name);
      if (p !== undefined && p >= idx)
        problems.push({
          ...where,
          code: 'not-topological',
          reason: `input "${name}" is produced by ${p === idx ? 'this node itself' : `a later node "${g.nodes[p].name}"`}`,
        });
      else
        problems.push({
          ...where,
          code: 'dangling-tensor',
          reason: `input "${name}" is not a graph input, a constant or any node's output`,
        });
    }
    for (const o of node.outputs) {
      if (!tensorOf(o)) {
        problems.push({ ...where, code: 'dangling-tensor', reason: `output "${o}" has no tensor entry` });
        inputsOk = false;
      } else if (g.tensors[o].data) problems.push({ ...where, code: 'invalid-model', reason: `output "${o}" is a constant` });
      available.add(o);
    }
    if (!inputsOk || !Object.hasOwn(opDefs, node.op)) return;
    const def = opDef(node.op);
    const infos: (InputInfo | undefined)[] = node.inputs.map((i) => (i === '' ? undefined : tensorOf(i)));
    if (node.inputs.length < def.inputs.min || node.inputs.length > def.inputs.max) {
      problems.push({
        ...where,
        code: 'invalid-model',
        reason: `takes ${def.inputs.min === def.inputs.max ? def.inputs.min : `${def.inputs.min} to ${def.inputs.max}`} inputs, got ${node.inputs.length}`,
      });
      return;
    }
    if (infos.some((t) => t && !t.shape.every(isStaticDim))) return; // reported as dynamic-shape already
    const msgs = [
      ...def.validate(infos, node.attrs),
      ...dtypeProblems(
        node,
        infos as (Tensor | undefined)[],
        node.outputs.map((o) => tensorOf(o)),
      ),
    ];
    for (const reason of msgs) problems.push({ ...where, code: 'invalid-model', reason });
    if (msgs.length) return;
    const shapes = def.inferShapes(infos, node.attrs);
    node.outputs.forEach((o, i) => {
      const t = tensorOf(o);
      if (t && shapes[i] && !sameShape(t.shape, shapes[i])) {
        problems.push({
          ...where,
          code: 'invalid-model',
          reason: `output "${o}" has shape ${fmtShape(t.shape)} but the op gives ${fmtShape(shapes[i])}`,
        });
      }
    });
  });

  if (g.metadata?.preprocess !== undefined) {
    for (const reason of preprocessProblems(g.metadata.preprocess))
      problems.push({ code: 'bad-model-metadata', reason: `preprocessing metadata: ${reason}` });
  }
  for (const o of g.outputs)
    if (!available.has(o)) problems.push({ tensor: o, code: 'dangling-tensor', reason: 'is a graph output but no node produces it' });
  throwProblems(problems, g.name, file);
}
