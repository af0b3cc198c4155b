// One converter per TFLite builtin op: reads its options, resolves SAME/VALID padding exactly as TFLite does,
// checks the file's output shape against the one the IR will infer, and emits IR nodes.
import type { Node, OpType, Pads, Tensor } from '../ir/graph.ts';
import { product } from '../ir/graph.ts';
import { reducedShape } from '../ir/ops/reduce.ts';
import { argReducedShape } from '../ir/ops/arg-reduce.ts';
import { TensorType } from './tflite-schema.ts';
import {
  OptionsType,
  readAddOptions,
  readConv2DOptions,
  readDepthwiseConv2DOptions,
  readFullyConnectedOptions,
  readGatherOptions,
  readMirrorPadOptions,
  readPool2DOptions,
  readReducerOptions,
  readReshapeOptions,
  readResizeOptions,
  readBlockSize,
  readTransposeConvOptions,
  readSoftmaxOptions,
  type Padding,
} from './tflite-options.ts';
import { UnsupportedFeature, halfToFloat } from './tflite-tensors.ts';
import { unidirectionalSequenceLstm } from './tflite-ops-recurrent.ts';
import { div, gelu, leakyRelu, mulSub, neg, prelu, relu, rsqrt, sign, square, squaredDifference } from './tflite-ops-math.ts';
import { concatenation, expandDims, pack, pad, split, splitV, squeeze, stridedSlice, transpose, unpack } from './tflite-ops-plumbing.ts';
import {
  activation,
  arity,
  checkOptions,
  constInts,
  expectShape,
  required,
  tensor,
  weight,
  type Converter,
  type OpContext,
} from './tflite-op-context.ts';

/** TFLite's ComputePaddingHeightWidth for one spatial axis: output size and [before, after] pads. */
export function resolvePadding(padding: Padding, size: number, filter: number, stride: number, dilation: number) {
  const effective = (filter - 1) * dilation + 1;
  const out = padding === 'SAME' ? Math.floor((size + stride - 1) / stride) : Math.floor((size - effective + stride) / stride);
  const total = Math.max((out - 1) * stride + effective - size, 0);
  const before = Math.floor(total / 2);
  return { out, before, after: total - before };
}

interface Window {
  padding: Padding | number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
}

/** Pads and output [N, OH, OW] for a window op over input x; validates the options first. */
function windowGeometry(c: OpContext, opName: string, x: Tensor, kh: number, kw: number, w: Window) {
  if (typeof w.padding === 'number') c.tt.fail(`operator ${c.op.index} (${opName}) has unknown padding ${w.padding}`);
  for (const [k, v] of Object.entries({
    stride_h: w.strideH,
    stride_w: w.strideW,
    dilation_h: w.dilationH,
    dilation_w: w.dilationW,
    filter_h: kh,
    filter_w: kw,
  })) {
    if (!(v >= 1)) c.tt.fail(`operator ${c.op.index} (${opName}) has ${k} = ${v}`);
  }
  if (x.shape.length !== 4) c.tt.fail(`operator ${c.op.index} (${opName}) input has shape [${x.shape}], expected 4-D NHWC`);
  const h = resolvePadding(w.padding, x.shape[1], kh, w.strideH, w.dilationH);
  const v = resolvePadding(w.padding, x.shape[2], kw, w.strideW, w.dilationW);
  const pads: Pads = [h.before, v.before, h.after, v.after];
  return { pads, out: [x.shape[0], h.out, v.out] };
}

const conv2d: Converter = (c) => {
  arity(c, 2, 3, 'CONV_2D');
  checkOptions(c, OptionsType.Conv2DOptions, 'CONV_2D');
  const o = readConv2DOptions(c.op.options);
  if (o.biasType !== 0) throw new UnsupportedFeature(`CONV_2D with quantized_bias_type ${o.biasType}`);
  const x = tensor(c, 0);
  const w = c.tt.tensors[weight(c, 1, 'CONV_2D', x.dtype === 'f32')];
  if (w.shape.length !== 4 || w.shape[3] < 1 || x.shape.length !== 4 || x.shape[3] % w.shape[3] !== 0) {
    c.tt.fail(`operator ${c.op.index} (CONV_2D) filter [${w.shape}] does not fit input [${x.shape}]`);
  }
  const g = windowGeometry(c, 'CONV_2D', x, w.shape[1], w.shape[2], o);
  const y = c.tt.tensors[c.name];
  expectShape(c, 'CONV_2D', y.shape, [...g.out, w.shape[0]]);
  const inputs = [x.name, w.name, c.tt.use(c.op.inputs[2] ?? -1)];
  return [
    {
      name: c.name,
      op: 'Conv2D',
      inputs,
      outputs: [c.name],
      attrs: {
        strides: [o.strideH, o.strideW],
        dilations: [o.dilationH, o.dilationW],
        pads: g.pads,
        groups: x.shape[3] / w.shape[3],
        activation: activation(o.activation),
      },
    },
  ];
};

const depthwise: Converter = (c) => {
  arity(c, 2, 3, 'DEPTHWISE_CONV_2D');
  checkOptions(c, OptionsType.DepthwiseConv2DOptions, 'DEPTHWISE_CONV_2D');
  const o = readDepthwiseConv2DOptions(c.op.options);
  const x = tensor(c, 0);
  const w = c.tt.tensors[weight(c, 1, 'DEPTHWISE_CONV_2D', x.dtype === 'f32')];
  if (w.shape.length !== 4 || w.shape[0] !== 1 || x.shape.length !== 4 || x.shape[3] < 1 || w.shape[3] % x.shape[3] !== 0) {
    c.tt.fail(`operator ${c.op.index} (DEPTHWISE_CONV_2D) filter [${w.shape}] does not fit input [${x.shape}]`);
  }
  const g = windowGeometry(c, 'DEPTHWISE_CONV_2D', x, w.shape[1], w.shape[2], o);
  expectShape(c, 'DEPTHWISE_CONV_2D', c.tt.tensors[c.name].shape, [...g.out, w.shape[3]]);
  const inputs = [x.name, w.name, c.tt.use(c.op.inputs[2] ?? -1)];
  return [
    {
      name: c.name,
      op: 'DepthwiseConv2D',
      inputs,
      outputs: [c.name],
      attrs: {
        strides: [o.strideH, o.strideW],
        dilations: [o.dilationH, o.dilationW],
        pads: g.pads,
        multiplier: w.shape[3] / x.shape[3],
        activation: activation(o.activation),
      },
    },
  ];
};

function pool(op: 'MaxPool' | 'AveragePool', opName: string): Converter {
  return (c) => {
    arity(c, 1, 1, opName);
    checkOptions(c, OptionsType.Pool2DOptions, opName);
    const o = readPool2DOptions(c.op.options);
    const x = tensor(c, 0);
    const g = windowGeometry(c, opName, x, o.filterH, o.filterW, { ...o, dilationH: 1, dilationW: 1 });
    expectShape(c, opName, c.tt.tensors[c.name].shape, [...g.out, x.shape[3]]);
    const common = {
      kernel: [o.filterH, o.filterW] as [number, number],
      strides: [o.strideH, o.strideW] as [number, number],
      pads: g.pads,
      activation: activation(o.activation),
    };
    return [
      op === 'MaxPool'
        ? { name: c.name, op, inputs: [x.name], outputs: [c.name], attrs: common }
        : { name: c.name, op, inputs: [x.name], outputs: [c.name], attrs: { ...common, countIncludePad: false } },
    ];
  };
}

const fullyConnected: Converter = (c) => {
  arity(c, 2, 3, 'FULLY_CONNECTED');
  checkOptions(c, OptionsType.FullyConnectedOptions, 'FULLY_CONNECTED');
  const o = readFullyConnectedOptions(c.op.options);
  if (o.weightsFormat !== 0) throw new UnsupportedFeature(`FULLY_CONNECTED with shuffled weights (format ${o.weightsFormat})`);
  if (o.biasType !== 0) throw new UnsupportedFeature(`FULLY_CONNECTED with quantized_bias_type ${o.biasType}`);
  const x = tensor(c, 0);
  const w = c.tt.tensors[weight(c, 1, 'FULLY_CONNECTED', x.dtype === 'f32')];
  const units = w.shape[0];
  const depth = w.shape[1];
  const total = product(x.shape);
  if (w.shape.length !== 2 || !(depth >= 1) || total % depth !== 0) {
    c.tt.fail(`operator ${c.op.index} (FULLY_CONNECTED) weights [${w.shape}] do not fit input [${x.shape}]`);
  }
  const batch = total / depth;
  const y = c.tt.tensors[c.name];
  if (product(y.shape) !== batch * units) expectShape(c, 'FULLY_CONNECTED', y.shape, [batch, units]);
  const nodes: Node[] = [];
  let input = x.name;
  // TFLite flattens any input to [batch, depth]; the IR's Dense takes exactly 2-D.
  if (x.shape.length !== 2 || x.shape[1] !== depth) {
    input = c.tt.add(`${c.name}/flatten`, { shape: [batch, depth], dtype: x.dtype, quant: x.quant });
    nodes.push({ name: input, op: 'Reshape', inputs: [x.name], outputs: [input], attrs: { shape: [batch, depth] } });
  }
  let out = c.name;
  const keepDims = y.shape.length !== 2 || y.shape[0] !== batch;
  if (keepDims) out = c.tt.add(`${c.name}/2d`, { shape: [batch, units], dtype: y.dtype, quant: y.quant });
  nodes.push({
    name: out,
    op: 'Dense',
    inputs: [input, w.name, c.tt.use(c.op.inputs[2] ?? -1)],
    outputs: [out],
    attrs: { activation: activation(o.activation) },
  });
  if (keepDims) nodes.push({ name: c.name, op: 'Reshape', inputs: [out], outputs: [c.name], attrs: { shape: [...y.shape] } });
  return nodes;
};

const add: Converter = (c) => {
  arity(c, 2, 2, 'ADD');
  checkOptions(c, OptionsType.AddOptions, 'ADD');
  const o = readAddOptions(c.op.options);
  const inputs = [required(c, 0), required(c, 1)];
  return [{ name: c.name, op: 'Add', inputs, outputs: [c.name], attrs: { activation: activation(o.activation) } }];
};

const reshape: Converter = (c) => {
  arity(c, 1, 2, 'RESHAPE');
  checkOptions(c, OptionsType.ReshapeOptions, 'RESHAPE');
  readReshapeOptions(c.op.options); // the output tensor's static shape is authoritative; read only to bounds-check
  const x = tensor(c, 0);
  const y = c.tt.tensors[c.name];
  if (product(x.shape) !== product(y.shape)) {
    c.tt.fail(`operator ${c.op.index} (RESHAPE) turns [${x.shape}] into [${y.shape}], a different element count`);
  }
  return [{ name: c.name, op: 'Reshape', inputs: [x.name], outputs: [c.name], attrs: { shape: [...y.shape] } }];
};

const softmax: Converter = (c) => {
  arity(c, 1, 1, 'SOFTMAX');
  checkOptions(c, OptionsType.SoftmaxOptions, 'SOFTMAX');
  const x = tensor(c, 0);
  return [
    {
      name: c.name,
      op: 'Softmax',
      inputs: [x.name],
      outputs: [c.name],
      attrs: { axis: x.shape.length - 1, beta: readSoftmaxOptions(c.op.options).beta },
    },
  ];
};

const quantize: Converter = (c) => {
  arity(c, 1, 1, 'QUANTIZE');
  return [{ name: c.name, op: 'Quantize', inputs: [required(c, 0)], outputs: [c.name], attrs: {} }];
};

/** DEQUANTIZE of a constant (int8 or fp16 weights) is folded into a float constant; otherwise it is a node. */
const dequantize: Converter = (c) => {
  arity(c, 1, 1, 'DEQUANTIZE');
  const src = c.tt.raw(c.op.inputs[0]);
  const bytes = c.tt.bufferOf(src);
  const y = c.tt.tensors[c.name];
  if (bytes && src.type === 1) {
    const n = c.tt.checkShape(src, 2);
    if (bytes.length !== 2 * n) c.tt.sizeMismatch(src, 2 * n, bytes.length);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = halfToFloat(view.getUint16(2 * i, true));
    c.tt.tensors[c.name] = { ...y, data };
    return [];
  }
  const x = tensor(c, 0);
  if (x.data && x.quant) {
    const folded = [...x.data].map((q, i) => {
      const ch = x.quant!.axis === undefined ? 0 : Math.floor(i / product(x.shape.slice(x.quant!.axis + 1))) % x.quant!.scale.length;
      return x.quant!.scale[ch] * (q - x.quant!.zeroPoint[ch]);
    });
    c.tt.tensors[c.name] = { ...y, data: Float32Array.from(folded) };
    return [];
  }
  return [{ name: c.name, op: 'Dequantize', inputs: [x.name], outputs: [c.name], attrs: {} }];
};

export interface OpImport {
  /** Highest builtin version whose semantics the converter maps faithfully. Later versions add inputs or modes
   *  (int16 activations, int4 filters, custom bias types) that we would silently misread. */
  maxVersion: number;
  convert: Converter;
  /** The output holds indices (ARG_MAX): an INT32 or INT64 activation, imported as int32. */
  indexOutput?: boolean;
}

const hardSwish: Converter = (c) => {
  arity(c, 1, 1, 'HARD_SWISH');
  return [{ name: c.name, op: 'HardSwish', inputs: [required(c, 0)], outputs: [c.name], attrs: {} }];
};

/** SLICE: begin and size per axis (size −1 = to the end). */
const slice: Converter = (c) => {
  arity(c, 3, 3, 'SLICE');
  const x = tensor(c, 0);
  const begin = constInts(c, 1, 'SLICE', 'begin').values;
  const size = constInts(c, 2, 'SLICE', 'size').values;
  if (begin.length !== x.shape.length || size.length !== x.shape.length)
    c.tt.fail(`operator ${c.op.index} (SLICE) begin/size do not match input [${x.shape}]`);
  const ends = size.map((s, d) => (s === -1 ? x.shape[d] : begin[d] + s));
  if (begin.some((b, d) => b < 0 || ends[d] > x.shape[d] || ends[d] <= b))
    c.tt.fail(`operator ${c.op.index} (SLICE) begin [${begin}] size [${size}] leave input [${x.shape}]`);
  expectShape(
    c,
    'SLICE',
    c.tt.tensors[c.name].shape,
    ends.map((e, d) => e - begin[d]),
  );
  const steps = begin.map(() => 1);
  return [{ name: c.name, op: 'Slice', inputs: [x.name], outputs: [c.name], attrs: { starts: begin, ends, steps } }];
};

const gather: Converter = (c) => {
  arity(c, 2, 2, 'GATHER');
  checkOptions(c, OptionsType.GatherOptions, 'GATHER');
  const o = readGatherOptions(c.op.options);
  if (o.batchDims !== 0) throw new UnsupportedFeature(`GATHER with batch_dims ${o.batchDims}`);
  const x = tensor(c, 0);
  const axis = o.axis < 0 ? o.axis + x.shape.length : o.axis;
  if (axis < 0 || axis >= x.shape.length) c.tt.fail(`operator ${c.op.index} (GATHER) axis ${o.axis} is outside input [${x.shape}]`);
  const { shape, values } = constInts(c, 1, 'GATHER', 'indices');
  if (values.some((k) => k < 0 || k >= x.shape[axis]))
    c.tt.fail(`operator ${c.op.index} (GATHER) has an index outside [0, ${x.shape[axis]})`);
  const indicesShape = shape.length === 0 ? [1] : shape;
  const gathered = [...x.shape.slice(0, axis), ...indicesShape, ...x.shape.slice(axis + 1)];
  const y = c.tt.tensors[c.name];
  expectShape(c, 'GATHER', y.shape, [...x.shape.slice(0, axis), ...shape, ...x.shape.slice(axis + 1)]);
  if (shape.length > 0)
    return [{ name: c.name, op: 'Gather', inputs: [x.name], outputs: [c.name], attrs: { axis, indices: values, indicesShape } }];
  // A scalar index drops the axis: gather with one index, then reshape it away.
  const tmp = c.tt.add(`${c.name}/gathered`, { shape: gathered, dtype: y.dtype, quant: y.quant });
  return [
    { name: tmp, op: 'Gather', inputs: [x.name], outputs: [tmp], attrs: { axis, indices: values, indicesShape } },
    { name: c.name, op: 'Reshape', inputs: [tmp], outputs: [c.name], attrs: { shape: [...y.shape] } },
  ];
};

/** BROADCAST_TO: numpy broadcasting to a constant shape; a lower-rank input gets leading 1s first. */
const broadcastTo: Converter = (c) => {
  arity(c, 2, 2, 'BROADCAST_TO');
  const x = tensor(c, 0);
  const shape = constInts(c, 1, 'BROADCAST_TO', 'shape').values;
  const lifted = [...new Array<number>(Math.max(0, shape.length - x.shape.length)).fill(1), ...x.shape];
  if (lifted.length !== shape.length || lifted.some((d, i) => d !== 1 && d !== shape[i]))
    c.tt.fail(`operator ${c.op.index} (BROADCAST_TO) cannot broadcast [${x.shape}] to [${shape}]`);
  const y = c.tt.tensors[c.name];
  expectShape(c, 'BROADCAST_TO', y.shape, shape);
  const nodes: Node[] = [];
  let input = x.name;
  if (lifted.length !== x.shape.length) {
    input = c.tt.add(`${c.name}/rank${shape.length}`, { shape: lifted, dtype: x.dtype, quant: x.quant });
    nodes.push({ name: input, op: 'Reshape', inputs: [x.name], outputs: [input], attrs: { shape: lifted } });
  }
  nodes.push({ name: c.name, op: 'Expand', inputs: [input], outputs: [c.name], attrs: { shape } });
  return nodes;
};

/** MIRROR_PAD in REFLECT mode (SYMMETRIC repeats the edge and then mirrors, which no IR Pad mode does). */
const mirrorPad: Converter = (c) => {
  arity(c, 2, 2, 'MIRROR_PAD');
  checkOptions(c, OptionsType.MirrorPadOptions, 'MIRROR_PAD');
  const { mode } = readMirrorPadOptions(c.op.options);
  if (mode !== 0) throw new UnsupportedFeature(`MIRROR_PAD in ${mode === 1 ? 'SYMMETRIC' : `mode ${mode}`} mode (only REFLECT)`);
  const x = tensor(c, 0);
  const r = x.shape.length;
  const p = constInts(c, 1, 'MIRROR_PAD', 'paddings').values;
  if (p.length !== 2 * r || p.some((v, k) => v < 0 || v > x.shape[k >> 1] - 1))
    c.tt.fail(`operator ${c.op.index} (MIRROR_PAD) paddings [${p}] do not fit input [${x.shape}] (each in [0, size − 1])`);
  const pads = [...x.shape.map((_, d) => p[2 * d]), ...x.shape.map((_, d) => p[2 * d + 1])];
  expectShape(
    c,
    'MIRROR_PAD',
    c.tt.tensors[c.name].shape,
    x.shape.map((d, i) => d + pads[i] + pads[i + r]),
  );
  return [{ name: c.name, op: 'Pad', inputs: [x.name], outputs: [c.name], attrs: { pads, value: 0, mode: 'reflect' } }];
};
/** DEPTH_TO_SPACE / SPACE_TO_DEPTH on NHWC (TFLite's order: the block's rows, then its columns, then channels) as
 *  Reshape → Transpose (6-D) → Reshape; values only move, so int8 keeps the input's quantization. */
function blockMove(toSpace: boolean): Converter {
  const opName = toSpace ? 'DEPTH_TO_SPACE' : 'SPACE_TO_DEPTH';
  return (c) => {
    arity(c, 1, 1, opName);
    checkOptions(c, toSpace ? OptionsType.DepthToSpaceOptions : OptionsType.SpaceToDepthOptions, opName);
    const b = readBlockSize(c.op.options);
    const x = tensor(c, 0);
    if (x.shape.length !== 4 || !(b >= 1)) c.tt.fail(`operator ${c.op.index} (${opName}) block_size ${b} on input [${x.shape}]`);
    const [n, h, w, ch] = x.shape;
    if (toSpace ? ch % (b * b) !== 0 : h % b !== 0 || w % b !== 0)
      c.tt.fail(`operator ${c.op.index} (${opName}) input [${x.shape}] does not divide by block_size ${b}`);
    const grouped = toSpace ? [n, h, w, b, b, ch / (b * b)] : [n, h / b, b, w / b, b, ch];
    const out = toSpace ? [n, h * b, w * b, ch / (b * b)] : [n, h / b, w / b, ch * b * b];
    const y = c.tt.tensors[c.name];
    expectShape(c, opName, y.shape, out);
    const perm = [0, 1, 3, 2, 4, 5];
    const a = c.tt.add(`${c.name}/grouped`, { shape: grouped, dtype: y.dtype, quant: x.quant });
    const m = c.tt.add(`${c.name}/moved`, { shape: perm.map((p) => grouped[p]), dtype: y.dtype, quant: x.quant });
    return [
      { name: a, op: 'Reshape', inputs: [x.name], outputs: [a], attrs: { shape: grouped } },
      { name: m, op: 'Transpose', inputs: [a], outputs: [m], attrs: { perm } },
      { name: c.name, op: 'Reshape', inputs: [m], outputs: [c.name], attrs: { shape: out } },
    ];
  };
}

/** TILE with constant multiples: per repeated axis a Reshape adding [1] before it, an Expand and a merging Reshape. */
const tileOp: Converter = (c) => {
  arity(c, 2, 2, 'TILE');
  const x = tensor(c, 0);
  const reps = constInts(c, 1, 'TILE', 'multiples').values;
  if (reps.length !== x.shape.length || reps.some((r) => r < 1) || x.shape.length > 5)
    c.tt.fail(`operator ${c.op.index} (TILE) multiples [${reps}] do not fit input [${x.shape}] (rank ≤ 5)`);
  const y = c.tt.tensors[c.name];
  expectShape(
    c,
    'TILE',
    y.shape,
    x.shape.map((d, i) => d * reps[i]),
  );
  const nodes: Node[] = [];
  let cur = x.name;
  let shape = [...x.shape];
  const axes = reps.flatMap((r, i) => (r > 1 ? [i] : []));
  if (axes.length === 0) return [{ name: c.name, op: 'Reshape', inputs: [x.name], outputs: [c.name], attrs: { shape: [...y.shape] } }];
  axes.forEach((axis, k) => {
    const lifted = [...shape.slice(0, axis), 1, ...shape.slice(axis)];
    const expanded = [...shape.slice(0, axis), reps[axis], ...shape.slice(axis)];
    shape = shape.map((d, i) => (i === axis ? d * reps[axis] : d));
    const a = c.tt.add(`${c.name}/lift${axis}`, { shape: lifted, dtype: y.dtype, quant: x.quant });
    const e = c.tt.add(`${c.name}/tile${axis}`, { shape: expanded, dtype: y.dtype, quant: x.quant });
    const merged =
      k === axes.length - 1 ? c.name : c.tt.add(`${c.name}/merged${axis}`, { shape: [...shape], dtype: y.dtype, quant: x.quant });
    nodes.push(
      { name: a, op: 'Reshape', inputs: [cur], outputs: [a], attrs: { shape: lifted } },
      { name: e, op: 'Expand', inputs: [a], outputs: [e], attrs: { shape: expanded } },
      { name: merged, op: 'Reshape', inputs: [e], outputs: [merged], attrs: { shape: [...shape] } },
    );
    cur = merged;
  });
  return nodes;
};

/** TRANSPOSE_CONV: inputs output_shape (constant), weights OHWI, input, bias (optional). TFLite places input pixel iy
 *  at iy·stride − pad_top with pad_top the SAME/VALID padding of a convolution from the output size back to the input
 *  size, and keeps what lands inside the given output; the IR pads and output padding say the same. */
const transposeConv: Converter = (c) => {
  arity(c, 3, 4, 'TRANSPOSE_CONV');
  checkOptions(c, OptionsType.TransposeConvOptions, 'TRANSPOSE_CONV');
  const o = readTransposeConvOptions(c.op.options);
  const x = tensor(c, 2);
  const w = c.tt.tensors[weight(c, 1, 'TRANSPOSE_CONV', x.dtype === 'f32')];
  if (w.shape.length !== 4 || x.shape.length !== 4 || w.shape[3] !== x.shape[3])
    c.tt.fail(`operator ${c.op.index} (TRANSPOSE_CONV) filter [${w.shape}] does not fit input [${x.shape}]`);
  if (typeof o.padding === 'number') c.tt.fail(`operator ${c.op.index} (TRANSPOSE_CONV) has unknown padding ${o.padding}`);
  if (!(o.strideH >= 1 && o.strideW >= 1)) c.tt.fail(`operator ${c.op.index} (TRANSPOSE_CONV) has strides ${o.strideH}×${o.strideW}`);
  const shape = constInts(c, 0, 'TRANSPOSE_CONV', 'output_shape').values;
  expectShape(c, 'TRANSPOSE_CONV', c.tt.tensors[c.name].shape, shape);
  if (shape.length !== 4 || shape[0] !== x.shape[0] || shape[3] !== w.shape[0])
    c.tt.fail(`operator ${c.op.index} (TRANSPOSE_CONV) output_shape [${shape}] does not fit input [${x.shape}] and filter [${w.shape}]`);
  const strides: [number, number] = [o.strideH, o.strideW];
  const pads: Pads = [0, 0, 0, 0];
  const outputPadding: [number, number] = [0, 0];
  for (let i = 0; i < 2; i++) {
    const before = resolvePadding(o.padding as Padding, shape[1 + i], w.shape[1 + i], strides[i], 1).before;
    const end = (x.shape[1 + i] - 1) * strides[i] + w.shape[1 + i] - before - shape[1 + i];
    pads[i] = before;
    pads[i + 2] = Math.max(end, 0);
    outputPadding[i] = Math.max(-end, 0);
  }
  const inputs = [x.name, w.name, c.tt.use(c.op.inputs[3] ?? -1)];
  const attrs = { strides, pads, outputPadding, activation: activation(o.activation) };
  return [{ name: c.name, op: 'ConvTranspose', inputs, outputs: [c.name], attrs }];
};

/** RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR to a constant [height, width], in the ONNX coordinate modes that compute
 *  the same: no flag = asymmetric (nearest: floor), align_corners (nearest: rounded half up), half_pixel_centers =
 *  half_pixel for bilinear, tf_half_pixel_for_nn (floor) for nearest. */
function resize(bilinear: boolean): Converter {
  const opName = bilinear ? 'RESIZE_BILINEAR' : 'RESIZE_NEAREST_NEIGHBOR';
  return (c) => {
    arity(c, 2, 2, opName);
    checkOptions(c, bilinear ? OptionsType.ResizeBilinearOptions : OptionsType.ResizeNearestNeighborOptions, opName);
    const { alignCorners, halfPixelCenters } = readResizeOptions(c.op.options, bilinear);
    if (alignCorners && halfPixelCenters) throw new UnsupportedFeature(`${opName} with both align_corners and half_pixel_centers`);
    const x = tensor(c, 0);
    if (x.shape.length !== 4) c.tt.fail(`operator ${c.op.index} (${opName}) input [${x.shape}] is not NHWC`);
    const size = constInts(c, 1, opName, 'size').values;
    if (size.length !== 2 || size.some((v) => !Number.isInteger(v) || v < 1))
      c.tt.fail(`operator ${c.op.index} (${opName}) size [${size}] is not two positive integers`);
    const [n, h, w, ch] = x.shape;
    expectShape(c, opName, c.tt.tensors[c.name].shape, [n, size[0], size[1], ch]);
    const coordinateMode = alignCorners
      ? 'align_corners'
      : !halfPixelCenters
        ? 'asymmetric'
        : bilinear
          ? 'half_pixel'
          : 'tf_half_pixel_for_nn';
    const attrs = {
      mode: bilinear ? ('linear' as const) : ('nearest' as const),
      coordinateMode,
      nearestMode: alignCorners ? ('round_prefer_ceil' as const) : ('floor' as const),
      size: [size[0], size[1]] as [number, number],
      scales: [size[0] / h, size[1] / w] as [number, number],
    } as const;
    return [{ name: c.name, op: 'Resize', inputs: [x.name], outputs: [c.name], attrs }];
  };
}

/** An element-wise builtin without options that maps to an IR op of the same meaning. */
function elementwise(
  op: Extract<OpType, 'Sigmoid' | 'Tanh' | 'Exp' | 'Log' | 'Abs' | 'Sqrt' | 'Floor' | 'Ceil' | 'Round' | 'Sin' | 'Cos'>,
  opName: string,
): Converter {
  return (c) => {
    arity(c, 1, 1, opName);
    return [{ name: c.name, op, inputs: [required(c, 0)], outputs: [c.name], attrs: {} }];
  };
}

/** MINIMUM / MAXIMUM / POW: two inputs broadcast NumPy-style, no options. */
function broadcastBinary(op: Extract<OpType, 'Min' | 'Max' | 'Pow'>, opName: string): Converter {
  return (c) => {
    arity(c, 2, 2, opName);
    return [{ name: c.name, op, inputs: [required(c, 0), required(c, 1)], outputs: [c.name], attrs: {} }];
  };
}

/** LOG_SOFTMAX: over the last axis (the builtin has no options). */
const logSoftmax: Converter = (c) => {
  arity(c, 1, 1, 'LOG_SOFTMAX');
  return [{ name: c.name, op: 'LogSoftmax', inputs: [required(c, 0)], outputs: [c.name], attrs: { axis: -1 } }];
};

/** ELU: alpha is 1 (the builtin has no options). */
const elu: Converter = (c) => {
  arity(c, 1, 1, 'ELU');
  return [{ name: c.name, op: 'Elu', inputs: [required(c, 0)], outputs: [c.name], attrs: { alpha: 1 } }];
};

/** MEAN / SUM / REDUCE_MAX / REDUCE_MIN / REDUCE_PROD: the axes are a constant int32 input (NHWC already), keep_dims an option. */
function reducer(op: Extract<OpType, 'ReduceMean' | 'ReduceSum' | 'ReduceMax' | 'ReduceMin' | 'ReduceProd'>, opName: string): Converter {
  return (c) => {
    arity(c, 2, 2, opName);
    checkOptions(c, OptionsType.ReducerOptions, opName);
    const x = tensor(c, 0);
    const src = c.tt.raw(c.op.inputs[1]);
    const bytes = c.tt.bufferOf(src);
    if (!bytes || src.type !== 2) throw new UnsupportedFeature(`${opName} whose axes (input 1) are not a constant int32 tensor`);
    const count = c.tt.checkShape(src, 4);
    if (bytes.length !== 4 * count) c.tt.sizeMismatch(src, 4 * count, bytes.length);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const rank = x.shape.length;
    const given = Array.from({ length: count }, (_, i) => view.getInt32(4 * i, true));
    if (given.some((a) => a < -rank || a >= rank)) c.tt.fail(`operator ${c.op.index} (${opName}) axes [${given}] are outside rank ${rank}`);
    const axes = [...new Set(given.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
    const { keepDims } = readReducerOptions(c.op.options);
    expectShape(c, opName, c.tt.tensors[c.name].shape, reducedShape(x.shape, axes, keepDims));
    return [{ name: c.name, op, inputs: [x.name], outputs: [c.name], attrs: { axes, keepdims: keepDims } }];
  };
}

/** ARG_MAX / ARG_MIN: input 1 is the axis (a constant INT32 or INT64 scalar or [1]), which is dropped from the shape;
 *  ties give the first index (TFLite's kernel keeps the first extreme). Options: output_type, INT32 or INT64. */
function argReducer(op: 'ArgMax' | 'ArgMin', opName: string): Converter {
  return (c) => {
    arity(c, 2, 2, opName);
    checkOptions(c, op === 'ArgMax' ? OptionsType.ArgMaxOptions : OptionsType.ArgMinOptions, opName);
    const x = tensor(c, 0);
    const src = c.tt.raw(c.op.inputs[1]);
    const bytes = c.tt.bufferOf(src);
    const width = src.type === TensorType.INT32 ? 4 : src.type === TensorType.INT64 ? 8 : 0;
    if (!bytes || width === 0) throw new UnsupportedFeature(`${opName} whose axis (input 1) is not a constant INT32 or INT64 tensor`);
    if (c.tt.checkShape(src, width) !== 1 || bytes.length !== width) c.tt.fail(`operator ${c.op.index} (${opName}) axis is not one value`);
    const given = new DataView(bytes.buffer, bytes.byteOffset, width).getInt32(0, true);
    const rank = x.shape.length;
    if (given < -rank || given >= rank) c.tt.fail(`operator ${c.op.index} (${opName}) axis ${given} is outside rank ${rank}`);
    const axis = given < 0 ? given + rank : given;
    expectShape(c, opName, c.tt.tensors[c.name].shape, argReducedShape(x.shape, axis, false));
    return [{ name: c.name, op, inputs: [x.name], outputs: [c.name], attrs: { axis, keepdims: false, selectLastIndex: false } }];
  };
}

/** One row per imported builtin, by its schema name: its facts in one place. */
export const CONVERTERS: Record<string, OpImport> = {
  CONV_2D: { maxVersion: 6, convert: conv2d },
  DEPTHWISE_CONV_2D: { maxVersion: 7, convert: depthwise },
  FULLY_CONNECTED: { maxVersion: 9, convert: fullyConnected },
  AVERAGE_POOL_2D: { maxVersion: 3, convert: pool('AveragePool', 'AVERAGE_POOL_2D') },
  MAX_POOL_2D: { maxVersion: 3, convert: pool('MaxPool', 'MAX_POOL_2D') },
  ADD: { maxVersion: 4, convert: add },
  RESHAPE: { maxVersion: 3, convert: reshape },
  SOFTMAX: { maxVersion: 3, convert: softmax },
  QUANTIZE: { maxVersion: 3, convert: quantize },
  DEQUANTIZE: { maxVersion: 5, convert: dequantize },
  HARD_SWISH: { maxVersion: 2, convert: hardSwish },
  SLICE: { maxVersion: 4, convert: slice },
  GATHER: { maxVersion: 5, convert: gather },
  BROADCAST_TO: { maxVersion: 3, convert: broadcastTo },
  MIRROR_PAD: { maxVersion: 2, convert: mirrorPad },
  RESIZE_BILINEAR: { maxVersion: 4, convert: resize(true) },
  TRANSPOSE_CONV: { maxVersion: 4, convert: transposeConv },
  DEPTH_TO_SPACE: { maxVersion: 2, convert: blockMove(true) },
  SPACE_TO_DEPTH: { maxVersion: 2, convert: blockMove(false) },
  TILE: { maxVersion: 3, convert: tileOp },
  RESIZE_NEAREST_NEIGHBOR: { maxVersion: 4, convert: resize(false) },
  LOGISTIC: { maxVersion: 2, convert: elementwise('Sigmoid', 'LOGISTIC') },
  TANH: { maxVersion: 2, convert: elementwise('Tanh', 'TANH') },
  EXP: { maxVersion: 1, convert: elementwise('Exp', 'EXP') },
  LOG: { maxVersion: 1, convert: elementwise('Log', 'LOG') },
  ABS: { maxVersion: 3, convert: elementwise('Abs', 'ABS') },
  SQRT: { maxVersion: 1, convert: elementwise('Sqrt', 'SQRT') },
  FLOOR: { maxVersion: 1, convert: elementwise('Floor', 'FLOOR') },
  CEIL: { maxVersion: 1, convert: elementwise('Ceil', 'CEIL') },
  ROUND: { maxVersion: 1, convert: elementwise('Round', 'ROUND') },
  SIN: { maxVersion: 1, convert: elementwise('Sin', 'SIN') },
  COS: { maxVersion: 1, convert: elementwise('Cos', 'COS') },
  ELU: { maxVersion: 2, convert: elu },
  // Version 2 is int8 (the IR's int8 Mul / Sub / Relu / Clip kernels), 3 and later int16 or integer types.
  MUL: { maxVersion: 2, convert: mulSub('Mul', 'MUL', OptionsType.MulOptions) },
  SUB: { maxVersion: 2, convert: mulSub('Sub', 'SUB', OptionsType.SubOptions) },
  RELU: { maxVersion: 2, convert: relu('RELU') },
  RELU6: { maxVersion: 2, convert: relu('RELU6', [0, 6]) },
  RELU_N1_TO_1: { maxVersion: 1, convert: relu('RELU_N1_TO_1', [-1, 1]) },
  RELU_0_TO_1: { maxVersion: 1, convert: relu('RELU_0_TO_1', [0, 1]) },
  SQUARE: { maxVersion: 1, convert: square },
  // Float only (version 2 is int8 DIV, which has no int8 kernel here).
  DIV: { maxVersion: 1, convert: div },
  LEAKY_RELU: { maxVersion: 1, convert: leakyRelu },
  NEG: { maxVersion: 1, convert: neg },
  SQUARED_DIFFERENCE: { maxVersion: 1, convert: squaredDifference },
  SIGN: { maxVersion: 1, convert: sign },
  PRELU: { maxVersion: 1, convert: prelu },
  // Version 2 is int8: GELU on its lookup table, RSQRT in float between Dequantize and Quantize.
  GELU: { maxVersion: 2, convert: gelu },
  RSQRT: { maxVersion: 2, convert: rsqrt },
  // Version 2 is the int8 form (fixed output scale 16/256), which has no int8 kernel here.
  LOG_SOFTMAX: { maxVersion: 1, convert: logSoftmax },
  MINIMUM: { maxVersion: 2, convert: broadcastBinary('Min', 'MINIMUM') },
  MAXIMUM: { maxVersion: 2, convert: broadcastBinary('Max', 'MAXIMUM') },
  POW: { maxVersion: 1, convert: broadcastBinary('Pow', 'POW') },
  MEAN: { maxVersion: 2, convert: reducer('ReduceMean', 'MEAN') },
  SUM: { maxVersion: 2, convert: reducer('ReduceSum', 'SUM') },
  REDUCE_MAX: { maxVersion: 2, convert: reducer('ReduceMax', 'REDUCE_MAX') },
  // Version 2 adds int8 input, 3 bool.
  ARG_MAX: { maxVersion: 2, convert: argReducer('ArgMax', 'ARG_MAX'), indexOutput: true },
  ARG_MIN: { maxVersion: 2, convert: argReducer('ArgMin', 'ARG_MIN'), indexOutput: true },
  // Version 2 is their int8 form, which has no int8 kernel here.
  REDUCE_MIN: { maxVersion: 1, convert: reducer('ReduceMin', 'REDUCE_MIN') },
  REDUCE_PROD: { maxVersion: 1, convert: reducer('ReduceProd', 'REDUCE_PROD') },
  // Versions past 1 add tensor types (int8, int16, string, bool) or ranks; the tensor table refuses the types we lack.
  CONCATENATION: { maxVersion: 4, convert: concatenation },
  PAD: { maxVersion: 4, convert: pad('PAD') },
  PADV2: { maxVersion: 4, convert: pad('PADV2') },
  TRANSPOSE: { maxVersion: 6, convert: transpose },
  SQUEEZE: { maxVersion: 2, convert: squeeze },
  EXPAND_DIMS: { maxVersion: 3, convert: expandDims },
  PACK: { maxVersion: 4, convert: pack },
  UNPACK: { maxVersion: 4, convert: unpack },
  SPLIT: { maxVersion: 4, convert: split },
  SPLIT_V: { maxVersion: 3, convert: splitV },
  STRIDED_SLICE: { maxVersion: 8, convert: stridedSlice },
  // Version 1 is float (or integer-only, refused by input type), 2 and 3 hybrid (int8 weights, dequantized here);
  // 4 adds diagonal recurrent weights.
  UNIDIRECTIONAL_SEQUENCE_LSTM: { maxVersion: 3, convert: unidirectionalSequenceLstm },
};
