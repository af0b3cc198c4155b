// IR → ONNX (opset 14) for float graphs, so onnxruntime can run what tinyforge computes. Inside, tensors stay NHWC as in
// the IR; window ops (Conv, pools, BN) are wrapped in Transposes because ONNX defines them on NCHW only, and 4-D graph
// inputs/outputs are transposed back to the layout the original file had (metadata.inputLayout/outputLayout).
import { TinyforgeError } from '../diagnostics.ts';
import type { Activation, Graph, Node, OpType } from '../ir/graph.ts';
import { opDef } from '../ir/ops/index.ts';
import { normalizeAxis } from '../ir/ops/op-def.ts';
import type { UnaryMathOp } from '../reference/float/unary-math.ts';
import { TO_NCHW, TO_NHWC, transposeData } from './onnx-layout.ts';
import { onnx } from './onnx-proto-read.ts';
import { encodeModel, floatTensor, int64Tensor, makeModel, node as onnxNode, valueInfo } from './onnx-proto-write.ts';
import type onnxProto from 'onnx-proto';

type NodeProto = onnxProto.onnx.NodeProto;
type TensorProto = onnxProto.onnx.TensorProto;

class Emitter {
  readonly nodes: NodeProto[] = [];
  readonly inits: TensorProto[] = [];
  private readonly used = new Set<string>();
  constructor(names: Iterable<string>) {
    for (const n of names) this.used.add(n);
  }
  fresh(base: string): string {
    let n = base;
    for (let i = 1; this.used.has(n); i++) n = `${base}_${i}`;
    this.used.add(n);
    return n;
  }
  add(op: string, inputs: string[], outputs: string[], attrs: Parameters<typeof onnxNode>[3] = {}, name?: string): void {
    this.nodes.push(onnxNode(op, inputs, outputs, attrs, this.fresh(name ?? outputs[0])));
  }
  floatConst(base: string, dims: number[], data: ArrayLike<number>): string {
    const name = this.fresh(base);
    this.inits.push(floatTensor(name, dims, data));
    return name;
  }
  intConst(base: string, data: number[]): string {
    const name = this.fresh(base);
    this.inits.push(int64Tensor(name, [data.length], data));
    return name;
  }
  /** Runs `op` on the NCHW view of NHWC tensor `x`, writing NHWC `out`. */
  nchw(op: string, x: string, extra: string[], out: string, attrs: Parameters<typeof onnxNode>[3], name: string): void {
    const a = this.fresh(`${x}__nchw`);
    const b = this.fresh(`${out}__nchw`);
    this.add('Transpose', [x], [a], { perm: TO_NCHW }, `${name}/to_nchw`);
    this.add(op, [a, ...extra], [b], attrs, name);
    this.add('Transpose', [b], [out], { perm: TO_NHWC }, `${name}/to_nhwc`);
  }
  /** The fused activation of a node: the node writes the returned name, and `done()` adds the activation after it. */
  activation(kind: Activation, out: string, name: string): [string, () => void] {
    if (kind === 'none') return [out, () => {}];
    const tmp = this.fresh(`${out}__pre_${kind}`);
    const done = () => {
      if (kind === 'relu') this.add('Relu', [tmp], [out], {}, `${name}/relu`);
      else
        this.add(
          'Clip',
          [tmp, this.floatConst(`${name}/zero`, [], [0]), this.floatConst(`${name}/six`, [], [6])],
          [out],
          {},
          `${name}/relu6`,
        );
    };
    return [tmp, done];
  }
}

function unsupported(g: Graph, n: Node, why: string): TinyforgeError {
  return new TinyforgeError('unsupported-export', `cannot export node "${n.name}" (${n.op}) to ONNX: ${why}`, {
    location: { node: n.name, op: n.op },
    hint: 'ONNX export covers float graphs; export before quantizing, or compare int8 results with the reference interpreter instead',
  });
}

/** What an exporter is given: the emitter, the graph, the node, its input names (ONNX spelling, '' for absent) and its
 *  output name. */
interface ExportCall<K extends OpType> {
  e: Emitter;
  g: Graph;
  n: Node<K>;
  ins: string[];
  out: string;
}
type NodeExporter<K extends OpType> = (c: ExportCall<K>) => void;

function exportConv({ e, g, n, ins, out }: ExportCall<'Conv2D' | 'DepthwiseConv2D'>): void {
  if (n.op === 'Conv2D' && n.attrs.binarizeInput)
    throw unsupported(g, n, 'a Conv2D on binarized (sign) inputs has no ONNX form; save as .tfir.json');
  const w = g.tensors[n.inputs[1]];
  const [O, KH, KW, I] = w.shape;
  const dw = n.op === 'DepthwiseConv2D';
  // OHWI → OIHW; depthwise [1,KH,KW,C·m] → [C·m,1,KH,KW] with group = C.
  const data = transposeData(w.data as Float32Array, w.shape, dw ? [3, 0, 1, 2] : [0, 3, 1, 2], (k) => new Float32Array(k));
  const dims = dw ? [I, 1, KH, KW] : [O, I, KH, KW];
  const wName = e.floatConst(`${n.inputs[1]}__oihw`, dims, data);
  const group = n.op === 'DepthwiseConv2D' ? I / n.attrs.multiplier : n.attrs.groups;
  const [target, done] = e.activation(n.attrs.activation, out, n.name);
  e.nchw(
    'Conv',
    ins[0],
    [wName, ...(ins[2] ? [ins[2]] : [])],
    target,
    { kernel_shape: [KH, KW], strides: n.attrs.strides, dilations: n.attrs.dilations, pads: n.attrs.pads, group },
    n.name,
  );
  done();
}

function exportPool({ e, n, ins, out }: ExportCall<'MaxPool' | 'AveragePool'>): void {
  const [target, done] = e.activation(n.attrs.activation, out, n.name);
  const attrs: Record<string, number | number[]> = { kernel_shape: n.attrs.kernel, strides: n.attrs.strides, pads: n.attrs.pads };
  if (n.op === 'AveragePool') attrs.count_include_pad = n.attrs.countIncludePad ? 1 : 0;
  e.nchw(n.op, ins[0], [], target, attrs, n.name);
  done();
}

function exportArithmetic({ e, n, ins, out }: ExportCall<'Add' | 'Sub' | 'Mul'>): void {
  const [target, done] = e.activation(n.attrs.activation, out, n.name);
  e.add(n.op, ins, [target], {}, n.name);
  done();
}

/** ONNX ops of the same name taking the same inputs and no attributes. */
/** An ONNX op of the IR op's name, its (numeric) attributes copied as they are. */
const withAttrs: NodeExporter<'Elu' | 'Selu' | 'Celu' | 'ThresholdedRelu'> = ({ e, n, ins, out }) =>
  e.add(n.op, ins, [out], n.attrs, n.name);

const sameName: NodeExporter<
  'Div' | 'Min' | 'Max' | 'Pow' | 'Relu' | 'Sigmoid' | 'Tanh' | 'HardSwish' | 'PRelu' | 'Exp' | 'Log' | UnaryMathOp
> = ({ e, n, ins, out }) => e.add(n.op, ins, [out], {}, n.name);

const axesAttribute: NodeExporter<'ReduceMin' | 'ReduceProd' | 'ReduceL1' | 'ReduceL2' | 'ReduceSumSquare' | 'ReduceLogSumExp'> = ({
  e,
  n,
  ins,
  out,
}) => e.add(n.op, ins, [out], { axes: n.attrs.axes, keepdims: n.attrs.keepdims ? 1 : 0 }, n.name);

/** GRU / LSTM as the ONNX op: weights get their leading num_directions axis back, and the IR output is Y without
 *  that axis (every step) or Y_h (the last). */
function exportRecurrent({ e, g, n, ins, out }: ExportCall<'GRU' | 'LSTM'>): void {
  const withDirection = (i: number) => {
    if (!ins[i]) return '';
    const t = g.tensors[n.inputs[i]];
    if (!t.data) throw unsupported(g, n, `input ${i} ("${t.name}") is not a constant`);
    return e.floatConst(`${n.inputs[i]}__onnx`, [1, ...t.shape], t.data);
  };
  const inputs = [ins[0], withDirection(1), withDirection(2), withDirection(3), '', ...ins.slice(4)];
  while (inputs[inputs.length - 1] === '') inputs.pop();
  const attrs: Record<string, number | string> = { hidden_size: n.attrs.hiddenSize, direction: n.attrs.reverse ? 'reverse' : 'forward' };
  if (n.op === 'GRU') attrs.linear_before_reset = n.attrs.linearBeforeReset ? 1 : 0;
  if (!n.attrs.sequenceOutput) {
    e.add(n.op, inputs, ['', out], attrs, n.name);
    return;
  }
  const y = e.fresh(`${out}__with_direction`);
  e.add(n.op, inputs, [y], attrs, n.name);
  e.add('Reshape', [y, e.intConst(`${n.name}/shape`, g.tensors[n.outputs[0]].shape)], [out], {}, `${n.name}/shape`);
}

/** One exporter per IR op, typed over every op (null: no float ONNX form). */
function argReduceExport({ e, n, ins, out }: ExportCall<'ArgMax' | 'ArgMin'>): void {
  const indices = e.fresh(`${out}__int64`);
  const attrs = { axis: n.attrs.axis, keepdims: n.attrs.keepdims ? 1 : 0, select_last_index: n.attrs.selectLastIndex ? 1 : 0 };
  e.add(n.op, ins, [indices], attrs, n.name);
  e.add('Cast', [indices], [out], { to: onnx.TensorProto.DataType.INT32 }, `${n.name}/int32`);
}

const EXPORTERS: { [K in OpType]: NodeExporter<K> | null } = {
  Conv2D: exportConv,
  DepthwiseConv2D: exportConv,
  ConvTranspose: ({ e, g, n, ins, out }) => {
    const w = g.tensors[n.inputs[1]];
    const [O, KH, KW, I] = w.shape;
    // OHWI → ONNX's [in, out, KH, KW].
    const data = transposeData(w.data as Float32Array, w.shape, [3, 0, 1, 2], (k) => new Float32Array(k));
    const wName = e.floatConst(`${n.inputs[1]}__iohw`, [I, O, KH, KW], data);
    const [target, done] = e.activation(n.attrs.activation, out, n.name);
    const attrs = { kernel_shape: [KH, KW], strides: n.attrs.strides, pads: n.attrs.pads, output_padding: n.attrs.outputPadding };
    e.nchw('ConvTranspose', ins[0], [wName, ...(ins[2] ? [ins[2]] : [])], target, attrs, n.name);
    done();
  },
  MaxPool: exportPool,
  AveragePool: exportPool,
  GlobalAveragePool: ({ e, n, ins, out }) => e.nchw('GlobalAveragePool', ins[0], [], out, {}, n.name),
  BatchNormalization: ({ e, g, n, ins, out }) => {
    if (g.tensors[n.inputs[0]].shape.length === 4)
      e.nchw('BatchNormalization', ins[0], ins.slice(1), out, { epsilon: n.attrs.epsilon }, n.name);
    else if (g.tensors[n.inputs[0]].shape.length === 2) e.add('BatchNormalization', ins, [out], { epsilon: n.attrs.epsilon }, n.name);
    else throw unsupported(g, n, 'BatchNormalization of a tensor that is not [N,C] or NHWC');
  },
  // Opset 14 has no LayerNormalization: written as the function the opset-17 op is defined by, on the IR layout.
  LayerNormalization: ({ e, g, n, ins, out }) => {
    const rank = g.tensors[n.inputs[0]].shape.length;
    const first = normalizeAxis(n.attrs.axis, rank)!;
    const axes = Array.from({ length: rank - first }, (_, i) => first + i);
    const t = (what: string) => e.fresh(`${n.name}/${what}`);
    const [mean, d, d2, variance, shifted, sd, inv, normed] = ['mean', 'd', 'd2', 'var', 'var_eps', 'std', 'inv_std', 'normed'].map(t);
    e.add('ReduceMean', [ins[0]], [mean], { axes, keepdims: 1 }, `${n.name}/mean`);
    e.add('Sub', [ins[0], mean], [d], {}, `${n.name}/center`);
    e.add('Mul', [d, d], [d2], {}, `${n.name}/square`);
    e.add('ReduceMean', [d2], [variance], { axes, keepdims: 1 }, `${n.name}/var`);
    e.add('Add', [variance, e.floatConst(`${n.name}/epsilon`, [], [n.attrs.epsilon])], [shifted], {}, `${n.name}/add_eps`);
    e.add('Sqrt', [shifted], [sd], {}, `${n.name}/sqrt`);
    e.add('Reciprocal', [sd], [inv], {}, `${n.name}/reciprocal`);
    e.add('Mul', [d, inv], [normed], {}, `${n.name}/normalize`);
    if (!ins[2]) e.add('Mul', [normed, ins[1]], [out], {}, n.name);
    else {
      const scaled = t('scaled');
      e.add('Mul', [normed, ins[1]], [scaled], {}, `${n.name}/scale`);
      e.add('Add', [scaled, ins[2]], [out], {}, n.name);
    }
  },
  InstanceNormalization: ({ e, g, n, ins, out }) => {
    if (g.tensors[n.inputs[0]].shape.length !== 4) throw unsupported(g, n, 'InstanceNormalization of a tensor that is not NHWC');
    e.nchw('InstanceNormalization', ins[0], ins.slice(1), out, { epsilon: n.attrs.epsilon }, n.name);
  },
  Dense: ({ e, g, n, ins, out }) => {
    if (g.tensors[n.inputs[0]].shape.length !== 2) throw unsupported(g, n, 'Dense input must be 2-D');
    if (n.attrs.binarizeInput) throw unsupported(g, n, 'a Dense on binarized (sign) inputs has no ONNX form; save as .tfir.json');
    const [target, done] = e.activation(n.attrs.activation, out, n.name);
    e.add(
      'Gemm',
      ins.filter((i) => i),
      [target],
      { transB: 1 },
      n.name,
    );
    done();
  },
  Add: exportArithmetic,
  Sub: exportArithmetic,
  Mul: exportArithmetic,
  Div: sameName,
  Min: sameName,
  Max: sameName,
  Pow: sameName,
  Relu: sameName,
  Sigmoid: sameName,
  Tanh: sameName,
  HardSwish: sameName,
  PRelu: sameName,
  Exp: sameName,
  Log: sameName,
  Abs: sameName,
  Sqrt: sameName,
  Reciprocal: sameName,
  Floor: sameName,
  Ceil: sameName,
  Round: sameName,
  Sign: sameName,
  Erf: sameName,
  Sin: sameName,
  Cos: sameName,
  Softplus: sameName,
  Softsign: sameName,
  Elu: withAttrs,
  Selu: withAttrs,
  Celu: withAttrs,
  ThresholdedRelu: withAttrs,
  // Mish (opset 18) and Gelu (opset 20) are newer than the export's opset 14: written as the functions ONNX defines them by.
  Mish: ({ e, n, ins, out }) => {
    const sp = e.fresh(`${out}__softplus`);
    const th = e.fresh(`${out}__tanh`);
    e.add('Softplus', ins, [sp], {}, `${n.name}/softplus`);
    e.add('Tanh', [sp], [th], {}, `${n.name}/tanh`);
    e.add('Mul', [ins[0], th], [out], {}, n.name);
  },
  Gelu: ({ e, n, ins, out }) => {
    const x = ins[0];
    const inner = e.fresh(`${out}__inner`);
    const phi = e.fresh(`${out}__phi`);
    const half = e.fresh(`${out}__half_x`);
    const one = e.floatConst(`${n.name}/one`, [], [1]);
    if (n.attrs.approximate === 'tanh') {
      const cube = e.fresh(`${out}__cube`);
      const poly = e.fresh(`${out}__poly`);
      const arg = e.fresh(`${out}__arg`);
      const square = e.fresh(`${out}__square`);
      e.add('Mul', [x, x], [square], {}, `${n.name}/square`);
      e.add('Mul', [square, x], [cube], {}, `${n.name}/cube`);
      e.add('Mul', [cube, e.floatConst(`${n.name}/c`, [], [0.044715])], [poly], {}, `${n.name}/poly`);
      e.add('Add', [x, poly], [arg], {}, `${n.name}/arg`);
      e.add('Mul', [arg, e.floatConst(`${n.name}/sqrt_2_over_pi`, [], [Math.sqrt(2 / Math.PI)])], [inner], {}, `${n.name}/scale`);
      e.add('Tanh', [inner], [phi], {}, `${n.name}/tanh`);
    } else {
      e.add('Div', [x, e.floatConst(`${n.name}/sqrt2`, [], [Math.SQRT2])], [inner], {}, `${n.name}/scale`);
      e.add('Erf', [inner], [phi], {}, `${n.name}/erf`);
    }
    const onePlus = e.fresh(`${out}__one_plus`);
    e.add('Add', [phi, one], [onePlus], {}, `${n.name}/one_plus`);
    e.add('Mul', [x, e.floatConst(`${n.name}/half`, [], [0.5])], [half], {}, `${n.name}/half`);
    e.add('Mul', [half, onePlus], [out], {}, n.name);
  },
  HardSigmoid: ({ e, n, ins, out }) => e.add('HardSigmoid', ins, [out], { alpha: n.attrs.alpha, beta: n.attrs.beta }, n.name),
  // Opset 14: ReduceMean and ReduceMax take axes as an attribute, ReduceSum as an input (since opset 13).
  ReduceMean: ({ e, n, ins, out }) => e.add('ReduceMean', ins, [out], { axes: n.attrs.axes, keepdims: n.attrs.keepdims ? 1 : 0 }, n.name),
  ReduceMax: ({ e, n, ins, out }) => e.add('ReduceMax', ins, [out], { axes: n.attrs.axes, keepdims: n.attrs.keepdims ? 1 : 0 }, n.name),
  // The other reductions take axes as an attribute until opset 18.
  ReduceMin: axesAttribute,
  ReduceProd: axesAttribute,
  ReduceL1: axesAttribute,
  ReduceL2: axesAttribute,
  ReduceSumSquare: axesAttribute,
  ReduceLogSumExp: axesAttribute,
  // ONNX gives int64 indices; the Cast makes them the IR's int32.
  ArgMax: argReduceExport,
  ArgMin: argReduceExport,
  ReduceSum: ({ e, n, ins, out }) =>
    e.add('ReduceSum', [ins[0], e.intConst(`${n.name}/axes`, n.attrs.axes)], [out], { keepdims: n.attrs.keepdims ? 1 : 0 }, n.name),
  LeakyRelu: ({ e, n, ins, out }) => e.add('LeakyRelu', ins, [out], { alpha: n.attrs.alpha }, n.name),
  Clip: ({ e, n, ins, out }) => {
    e.add(
      'Clip',
      [ins[0], e.floatConst(`${n.name}/min`, [], [n.attrs.min]), e.floatConst(`${n.name}/max`, [], [n.attrs.max])],
      [out],
      {},
      n.name,
    );
  },
  LogSoftmax: ({ e, n, ins, out }) => e.add('LogSoftmax', ins, [out], { axis: n.attrs.axis }, n.name),
  Softmax: ({ e, g, n, ins, out }) => {
    if (n.attrs.beta !== 1) throw unsupported(g, n, `Softmax beta ${n.attrs.beta} has no ONNX equivalent`);
    e.add('Softmax', ins, [out], { axis: n.attrs.axis }, n.name);
  },
  Concat: ({ e, n, ins, out }) => e.add('Concat', ins, [out], { axis: n.attrs.axis }, n.name),
  Transpose: ({ e, n, ins, out }) => e.add('Transpose', ins, [out], { perm: n.attrs.perm }, n.name),
  Reshape: ({ e, g, n, ins, out }) =>
    e.add('Reshape', [ins[0], e.intConst(`${n.name}/shape`, g.tensors[n.outputs[0]].shape)], [out], {}, n.name),
  Pad: ({ e, n, ins, out }) => {
    e.add(
      'Pad',
      [ins[0], e.intConst(`${n.name}/pads`, n.attrs.pads), e.floatConst(`${n.name}/value`, [], [n.attrs.value])],
      [out],
      { mode: n.attrs.mode ?? 'constant' },
      n.name,
    );
  },
  Slice: ({ e, g, n, ins, out }) => {
    const dims = g.tensors[n.inputs[0]].shape;
    const { starts, ends, steps } = n.attrs;
    // A resolved end of -1 (before index 0, negative step) is written below -dim, which ONNX clamps back to -1.
    const onnxEnds = ends.map((end, d) => (end < 0 ? -dims[d] - 1 : end));
    const axes = dims.map((_, d) => d);
    e.add(
      'Slice',
      [
        ins[0],
        e.intConst(`${n.name}/starts`, starts),
        e.intConst(`${n.name}/ends`, onnxEnds),
        e.intConst(`${n.name}/axes`, axes),
        e.intConst(`${n.name}/steps`, steps),
      ],
      [out],
      {},
      n.name,
    );
  },
  Gather: ({ e, g, n, ins, out }) => {
    const flat = e.fresh(`${out}__flat_indices`);
    e.add('Gather', [ins[0], e.intConst(`${n.name}/indices`, n.attrs.indices)], [flat], { axis: n.attrs.axis }, n.name);
    e.add('Reshape', [flat, e.intConst(`${n.name}/shape`, g.tensors[n.outputs[0]].shape)], [out], {}, `${n.name}/shape`);
  },
  Expand: ({ e, n, ins, out }) => e.add('Expand', [ins[0], e.intConst(`${n.name}/shape`, n.attrs.shape)], [out], {}, n.name),
  ChannelShuffle: ({ e, g, n, ins, out }) => {
    const shape = g.tensors[n.outputs[0]].shape;
    const c = shape[shape.length - 1];
    const groupsFirst = e.fresh(`${out}__groups`);
    const groupsLast = e.fresh(`${out}__shuffled`);
    const grouped = [shape.slice(0, -1).reduce((p, d) => p * d, 1), n.attrs.groups, c / n.attrs.groups];
    e.add('Reshape', [ins[0], e.intConst(`${n.name}/grouped`, grouped)], [groupsFirst], {}, `${n.name}/group`);
    e.add('Transpose', [groupsFirst], [groupsLast], { perm: [0, 2, 1] }, n.name);
    e.add('Reshape', [groupsLast, e.intConst(`${n.name}/shape`, shape)], [out], {}, `${n.name}/ungroup`);
  },
  Resize: ({ e, g, n, ins, out }) => {
    const [N, H, W, C] = g.tensors[n.inputs[0]].shape;
    const { size, scales } = n.attrs;
    // Sizes when the scales are out / in (what onnxruntime derives from sizes); scales otherwise, as imported.
    const fromSizes = [0, 1].every((i) => Math.fround(scales[i]) === Math.fround(size[i] / [H, W][i]));
    const shape = fromSizes
      ? ['', '', e.intConst(`${n.name}/sizes`, [N, C, size[0], size[1]])]
      : ['', e.floatConst(`${n.name}/scales`, [4], [1, 1, scales[0], scales[1]])];
    const attrs = { mode: n.attrs.mode, coordinate_transformation_mode: n.attrs.coordinateMode, nearest_mode: n.attrs.nearestMode };
    e.nchw('Resize', ins[0], shape, out, attrs, n.name);
  },
  GRU: exportRecurrent,
  LSTM: exportRecurrent,
  Quantize: null,
  Dequantize: null,
};

function emitNode(e: Emitter, g: Graph, n: Node, name: (t: string) => string): void {
  const exporter = EXPORTERS[n.op] as NodeExporter<OpType> | null;
  if (!exporter) throw unsupported(g, n, 'the op has no float ONNX form');
  exporter({ e, g, n, ins: n.inputs.map((i) => (i ? name(i) : '')), out: name(n.outputs[0]) });
}

/** An int32 tensor an index op (ArgMax) computes in a float graph. */
function isIndexOutput(g: Graph, tensor: string): boolean {
  const producer = g.nodes.find((n) => n.outputs.includes(tensor));
  return (
    g.tensors[tensor].dtype === 'i32' && !g.tensors[tensor].data && producer !== undefined && opDef(producer.op).int8Output === 'index'
  );
}

/** Serialises float graph `g` as an ONNX model (opset 14). Throws 'unsupported-export' for int8 or packed graphs. */
export function exportOnnx(g: Graph): Uint8Array {
  for (const t of Object.values(g.tensors)) {
    if (t.dtype !== 'f32' && !isIndexOutput(g, t.name)) {
      const n = g.nodes.find((x) => x.inputs.includes(t.name) || x.outputs.includes(t.name)) ?? g.nodes[0];
      throw unsupported(g, n, `tensor "${t.name}" is ${t.dtype}`);
    }
  }
  const e = new Emitter(Object.keys(g.tensors));
  const inNchw = g.metadata.inputLayout === 'NCHW';
  const outNchw = g.metadata.outputLayout === 'NCHW';
  const rename = new Map<string, string>();
  const inputs = g.inputs.map((i) => {
    const shape = g.tensors[i].shape;
    if (!inNchw || shape.length !== 4) return valueInfo(i, shape);
    const nhwc = e.fresh(`${i}__nhwc`);
    rename.set(i, nhwc);
    e.add('Transpose', [i], [nhwc], { perm: TO_NHWC }, `${i}/to_nhwc`);
    return valueInfo(i, shape.length === 4 ? [shape[0], shape[3], shape[1], shape[2]] : shape);
  });
  const outputs = g.outputs.map((o) => {
    const shape = g.tensors[o].shape;
    const elemType = g.tensors[o].dtype === 'i32' ? onnx.TensorProto.DataType.INT32 : onnx.TensorProto.DataType.FLOAT;
    if (!outNchw || shape.length !== 4) return valueInfo(o, shape, elemType);
    rename.set(o, e.fresh(`${o}__nhwc`));
    return valueInfo(o, [shape[0], shape[3], shape[1], shape[2]], elemType);
  });
  const name = (t: string) => rename.get(t) ?? t;
  for (const t of Object.values(g.tensors)) if (t.data) e.inits.push(floatTensor(t.name, t.shape, t.data));
  for (const n of g.nodes) emitNode(e, g, n, name);
  // Weights that were re-laid out (Conv OHWI → OIHW) are exported only in their new form.
  const read = new Set(e.nodes.flatMap((n) => n.input));
  const inits = e.inits.filter((t) => read.has(t.name));
  for (const o of g.outputs) if (rename.has(o)) e.add('Transpose', [rename.get(o)!], [o], { perm: TO_NCHW }, `${o}/to_nchw`);
  const metadata: Record<string, string> = {};
  if (g.metadata.preprocess) metadata['tinyforge.preprocess'] = JSON.stringify(g.metadata.preprocess);
  if (g.metadata.labels) metadata['tinyforge.labels'] = JSON.stringify(g.metadata.labels);
  return encodeModel(makeModel({ name: g.name, nodes: e.nodes, initializers: inits, inputs, outputs, opset: 14, metadata }));
}
