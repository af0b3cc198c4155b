// The streaming form of a sequence model (`compile --stream`): the graph one time step at a time. A wake-word or gesture
// firmware gets one feature frame per call; the recurrent layers keep their state between calls, every op before them
// works on that frame alone, and every op after them reads the last step only (what `lastStepOnly` in ir/optimize.ts
// leaves). This file checks a graph has that form and builds the one-step graph codegen emits as `<id>_step`.
import { TinyforgeError } from '../diagnostics.ts';
import { product, type Graph, type Node, type Tensor } from '../ir/graph.ts';
import { opDef } from '../ir/ops/index.ts';
import { inferShapes } from '../ir/shape-inference.ts';

export interface StreamForm {
  /** The graph with the time axis of every per-step tensor set to 1: what one `<id>_step` call computes. */
  step: Graph;
  /** Time steps of the whole sequence the full graph takes (what `<id>_run` feeds, one step at a time). */
  steps: number;
  /** Axis of the graph input that is time. */
  inputTimeAxis: number;
  /** Bytes of one frame of the graph input. */
  frameBytes: number;
}

/** Ops that keep each time step apart, so they run on one frame as they would on T: y[.., t, ..] depends on x[.., t, ..]. */
const PER_STEP_OPS = new Set(['Quantize', 'Dequantize', 'Transpose', 'Reshape', 'Dense', 'BatchNormalization']);
/** Element-wise ops with a second operand (broadcast). */
const BINARY_OPS = new Set(['Add', 'Sub', 'Mul', 'Div', 'Min', 'Max', 'Pow', 'PRelu']);
const RECURRENT_OPS = new Set(['GRU', 'LSTM']);

const BYTES = { f32: 4, i32: 4, i8: 1, u8: 1 } as const;

function refuse(g: Graph, node: Node | undefined, why: string, hint?: string): TinyforgeError {
  return new TinyforgeError('stream-not-possible', `--stream: ${node ? `node "${node.name}" (${node.op}) ` : ''}${why}`, {
    location: { file: g.metadata.source?.path, field: '--stream', ...(node ? { node: node.name, op: node.op } : {}) },
    hint:
      hint ??
      'the streaming form takes models whose frames reach GRU/LSTM layers through per-step ops (element-wise, Dense over the features, Transpose, Quantize) and whose later layers read the last step only; compile without --stream to run whole sequences',
  });
}

/** Why an op that sees the time axis (`a` of its input) cannot run one frame at a time. */
function notPerStepReason(node: Node, a: number): string {
  if (['Conv2D', 'DepthwiseConv2D', 'ConvTranspose', 'MaxPool', 'AveragePool'].includes(node.op))
    return `slides a window over the time axis: each output step reads several frames, and a stream step has one`;
  if (node.op === 'GlobalAveragePool' || (node.op.startsWith('Reduce') && (node as Node<'ReduceMean'>).attrs.axes.includes(a)))
    return 'combines values along the time axis: a stream step has one frame';
  if (node.op === 'Gather' || node.op === 'Slice' || node.op === 'Pad' || node.op === 'Concat' || node.op === 'Expand')
    return 'picks, pads or joins positions along the time axis: a stream step has one frame';
  return 'is not known to keep time steps apart, so it cannot run one frame at a time';
}

/** The axis of `to` that the time axis `a` of `from` becomes under a Reshape, or undefined when it is merged or split. */
function reshapedAxis(from: readonly number[], a: number, to: readonly number[]): number | undefined {
  const before = product(from.slice(0, a));
  for (let b = 0; b < to.length; b++) if (to[b] === from[a] && product(to.slice(0, b)) === before) return b;
  return undefined;
}

/** The time axis of node's output given the time axis of its inputs (undefined: not timed), or a refusal. */
function outputTimeAxis(g: Graph, node: Node, axes: (number | undefined)[]): number | undefined {
  const timed = axes.findIndex((a) => a !== undefined);
  if (timed < 0) return undefined;
  const a = axes[timed]!;
  const x = g.tensors[node.inputs[timed]];
  if (RECURRENT_OPS.has(node.op)) {
    const rnn = node as Node<'GRU' | 'LSTM'>;
    if (timed !== 0) throw refuse(g, node, `takes the streamed frames as a weight or an initial state, not as its input X`);
    if (a !== 0) throw refuse(g, node, `gets the time axis as axis ${a} of its input, not as its step axis 0`);
    if (rnn.attrs.reverse)
      throw refuse(g, node, 'runs backwards over time: its first output needs the last frame, which a stream has not seen yet');
    for (const i of rnn.inputs.slice(1)) {
      if (i && !g.tensors[i]?.data)
        throw refuse(g, node, `input "${i}" (a weight or initial state) is computed at run time; the streaming form needs it constant`);
    }
    return rnn.attrs.sequenceOutput ? 0 : undefined;
  }
  if (BINARY_OPS.has(node.op)) {
    const out = g.tensors[node.outputs[0]].shape;
    const outAxis = a + (out.length - x.shape.length);
    node.inputs.forEach((name, k) => {
      if (k === timed || !name) return;
      const other = g.tensors[name].shape;
      const at = outAxis - (out.length - other.length);
      if (axes[k] === undefined ? at >= 0 && other[at] !== 1 : axes[k]! + (out.length - other.length) !== outAxis)
        throw refuse(
          g,
          node,
          `its operand "${name}" ${fmtShape(other)} varies along the time axis: a stream step cannot tell which of its steps it is`,
        );
    });
    return outAxis;
  }
  if (axes.some((b, k) => k !== timed && b !== undefined)) throw refuse(g, node, notPerStepReason(node, a));
  if (node.op === 'Transpose') return (node as Node<'Transpose'>).attrs.perm.indexOf(a);
  if (node.op === 'Reshape') {
    const b = reshapedAxis(x.shape, a, g.tensors[node.outputs[0]].shape);
    if (b === undefined)
      throw refuse(g, node, `merges or splits the time axis (${fmtShape(x.shape)} → ${fmtShape(g.tensors[node.outputs[0]].shape)})`);
    return b;
  }
  if ((node.op === 'Dense' || node.op === 'BatchNormalization') && a === x.shape.length - 1)
    throw refuse(g, node, `works over its last axis, which is the time axis here: it would combine time steps`);
  if (node.op === 'Softmax' || node.op === 'LogSoftmax') {
    const axis = (node as Node<'Softmax'>).attrs.axis;
    if ((axis < 0 ? axis + x.shape.length : axis) === a)
      throw refuse(g, node, 'normalises along the time axis: a stream step has one frame');
    return a;
  }
  if (PER_STEP_OPS.has(node.op) || opDef(node.op).perElement) return a;
  throw refuse(g, node, notPerStepReason(node, a));
}

const fmtShape = (s: readonly number[]) => `[${s.join(',')}]`;

/** Checks `g` has the streaming form and returns its one-step graph; a TinyforgeError 'stream-not-possible' naming the
 *  node and why otherwise. */
export function streamForm(g: Graph): StreamForm {
  if (g.inputs.length !== 1)
    throw refuse(g, undefined, `the model has ${g.inputs.length} inputs; the streaming form feeds one input a frame at a time`);
  const recurrent = g.nodes.filter((n) => RECURRENT_OPS.has(n.op));
  if (recurrent.length === 0)
    throw refuse(g, undefined, 'the model has no GRU or LSTM layer: there is no state to keep between frames', 'compile without --stream');
  const input = g.tensors[g.inputs[0]];
  const steps = g.tensors[recurrent[0].inputs[0]].shape[0];
  // The input's time axis is the axis whose frames reach the first recurrent layer's step axis; each candidate of that
  // length is tried, and the first refusal is the one reported when none fits.
  const candidates = input.shape.flatMap((d, a) => (d === steps ? [a] : []));
  let firstRefusal: TinyforgeError | undefined;
  for (const axis of candidates) {
    try {
      return buildStep(g, input, axis, steps);
    } catch (err) {
      if (!(err instanceof TinyforgeError)) throw err;
      firstRefusal ??= err;
    }
  }
  throw (
    firstRefusal ??
    refuse(
      g,
      recurrent[0],
      `steps over ${steps} frames, and no axis of the input "${input.name}" ${fmtShape(input.shape)} has that length: the layers before it change the time axis`,
    )
  );
}

function buildStep(g: Graph, input: Tensor, inputAxis: number, steps: number): StreamForm {
  if (product(input.shape.slice(0, inputAxis)) !== 1)
    throw refuse(
      g,
      undefined,
      `the input "${input.name}" ${fmtShape(input.shape)} has its time axis ${inputAxis} behind a batch of ${product(input.shape.slice(0, inputAxis))}: frames would not be contiguous`,
      'export the model with batch 1',
    );
  const timeAxis = new Map<string, number>([[input.name, inputAxis]]);
  for (const node of g.nodes) {
    const axis = outputTimeAxis(
      g,
      node,
      node.inputs.map((i) => timeAxis.get(i)),
    );
    if (axis === undefined) continue;
    for (const out of node.outputs) {
      if (g.tensors[out].shape[axis] !== steps)
        throw refuse(g, node, `changes the number of time steps (${steps} → ${g.tensors[out].shape[axis]})`);
      timeAxis.set(out, axis);
    }
  }
  const timedOut = g.outputs.find((o) => timeAxis.has(o));
  if (timedOut)
    throw refuse(
      g,
      g.nodes.find((n) => n.outputs.includes(timedOut)),
      `writes the graph output "${timedOut}" with every time step; a stream step gives one answer per frame, so the model must end on the last step (e.g. y[:, -1, :])`,
    );
  const oneStep = (t: Tensor): Tensor => {
    const a = timeAxis.get(t.name);
    return a === undefined ? t : { ...t, shape: t.shape.map((d, k) => (k === a ? 1 : d)) };
  };
  const tensors: Record<string, Tensor> = Object.create(null);
  for (const [name, t] of Object.entries(g.tensors)) tensors[name] = oneStep(t);
  const nodes = g.nodes.map((n): Node => {
    if (n.op !== 'Reshape' || !timeAxis.has(n.outputs[0])) return n;
    return { ...n, attrs: { shape: tensors[n.outputs[0]].shape } } as Node;
  });
  const step = inferShapes({ ...g, tensors, nodes });
  for (const [name, t] of Object.entries(tensors)) {
    const got = step.tensors[name].shape;
    if (got.join(',') !== t.shape.join(','))
      throw new Error(`stream form: tensor "${name}" is ${fmtShape(got)} in the one-step graph, expected ${fmtShape(t.shape)}`);
  }
  return { step, steps, inputTimeAxis: inputAxis, frameBytes: product(input.shape.slice(inputAxis + 1)) * BYTES[input.dtype] };
}
