// The IR: the one contract between importers, passes, the reference interpreter and codegen.
// Activations are NHWC; weight layouts follow TFLite so int8 kernels can match TFLM bit for bit.

/** Element types. Logical values of a constant live in `Tensor.data` with one of the first four;
 *  the other encodings (fp16, int4, 1-bit, clustered) are storage choices in `Tensor.storage`. */
export type DType = 'f32' | 'i8' | 'i32' | 'u8';
export type TensorData = Float32Array | Int8Array | Int32Array | Uint8Array;

/** TFLite quantization: real = scale * (q - zeroPoint). One entry = per tensor;
 *  `axis` set and one entry per slice of that axis = per channel (weights only, zeroPoint 0). */
export interface QuantParams {
  scale: number[];
  zeroPoint: number[];
  axis?: number;
}

/** How codegen stores a constant in flash. The values in `data` are always the ones the reference
 *  interpreter computes with; a storage choice never changes results, only bytes. */
export type Storage =
  | { kind: 'dense' }
  | { kind: 'f16' } // float weights stored as IEEE half, computed in float
  | { kind: 'int4' } // int8 values in [-8, 7], two per byte
  | { kind: 'binary'; alpha: number[] } // sign bits, 32 per word; value = ±alpha[outChannel] (float) or ±q (int8)
  // half: the codebook, and the consuming layer's bias, are stored as IEEE half (their values are half-exact)
  | { kind: 'clustered'; codebook: number[]; indices: Uint8Array; huffman: boolean; sparse?: boolean; half?: boolean };

export interface Tensor {
  name: string;
  /** Static shape. 4-D activations are [N, H, W, C]. */
  shape: number[];
  dtype: DType;
  /** Present for constants (weights, biases). Length = product of shape. */
  data?: TensorData;
  quant?: QuantParams;
  storage?: Storage;
  /** Optional mask for pruned weights (1 = kept), same length as data. Kept during fine-tuning. */
  mask?: Uint8Array;
}

export type Activation = 'none' | 'relu' | 'relu6';
export type PadMode = 'constant' | 'reflect' | 'edge';
/** ONNX Resize's coordinate_transformation_mode values tinyforge computes (tf_half_pixel_for_nn: nearest only). */
export type ResizeCoordinateMode = 'half_pixel' | 'pytorch_half_pixel' | 'align_corners' | 'asymmetric' | 'tf_half_pixel_for_nn';
/** ONNX Resize's nearest_mode: how a fractional source coordinate picks a pixel. */
export type ResizeNearestMode = 'round_prefer_floor' | 'round_prefer_ceil' | 'floor' | 'ceil';
/** Explicit padding [top, left, bottom, right]; SAME / asymmetric pads are resolved at import. */
export type Pads = [number, number, number, number];

export interface ConvAttrs {
  strides: [number, number];
  dilations: [number, number];
  pads: Pads;
  /** groups > 1 and groups < C is a grouped conv; groups == C with multiplier is DepthwiseConv2D. */
  groups: number;
  activation: Activation;
}

/** Reduced axes, sorted and non-negative (all axes when the model gave none). */
export interface ReduceAttrs {
  axes: number[];
  keepdims: boolean;
}

export interface ArgReduceAttrs {
  axis: number;
  keepdims: boolean;
  selectLastIndex: boolean;
}

/** A recurrent layer run over the T steps of its input (reverse: from the last step to the first, the output still in
 *  time order); sequenceOutput: the output holds every step's hidden state, else only the last computed one. */
export interface RecurrentAttrs {
  hiddenSize: number;
  reverse: boolean;
  sequenceOutput: boolean;
}

/** Attributes of every op. Weight layouts:
 *  - Dense: inputs [x(N,in), W(out,in), b(out)?] — TFLite FULLY_CONNECTED layout.
 *  - Conv2D: inputs [x(NHWC), W(O,KH,KW,I/groups), b(O)?] — TFLite OHWI.
 *  - DepthwiseConv2D: inputs [x, W(1,KH,KW,C*multiplier), b(C*multiplier)?] — TFLite layout.
 *  - BatchNormalization: inputs [x, scale, bias, mean, var], normalising the last axis (C). */
export interface OpAttrs {
  /** binarizeInput: the layer computes on sign(x) (x ≥ 0 → +1, else −1) instead of x — a binarized-activation (XNOR)
   *  layer; the dot product is exact (float64) before the bias is added. Set by the binary pass. */
  Dense: { activation: Activation; binarizeInput?: boolean };
  /** binarizeInput: as on Dense — sign(x) of every in-bounds tap (padding still contributes 0), exact sum, then bias. */
  Conv2D: ConvAttrs & { binarizeInput?: boolean };
  DepthwiseConv2D: Omit<ConvAttrs, 'groups'> & { multiplier: number };
  /** Transposed convolution, inputs [x(NHWC), W(O,KH,KW,I), b(O)?] (TFLite TRANSPOSE_CONV's OHWI): input pixel (iy, ix)
   *  adds x·W[·,ky,kx,·] to output (iy·stride − pad_top + ky, ix·stride − pad_left + kx). Output size per axis
   *  (in − 1)·stride + k − pad_begin − pad_end + outputPadding; one group, no dilation. */
  ConvTranspose: { strides: [number, number]; pads: Pads; outputPadding: [number, number]; activation: Activation };
  MaxPool: { kernel: [number, number]; strides: [number, number]; pads: Pads; activation: Activation };
  AveragePool: {
    kernel: [number, number];
    strides: [number, number];
    pads: Pads;
    /** ONNX count_include_pad; TFLite never counts padding. */
    countIncludePad: boolean;
    activation: Activation;
  };
  GlobalAveragePool: Record<string, never>;
  Add: { activation: Activation };
  Sub: { activation: Activation };
  Mul: { activation: Activation };
  Div: Record<string, never>;
  /** Element-wise min / max of two inputs with numpy broadcasting (ONNX Min/Max of more inputs become a chain). */
  Min: Record<string, never>;
  Max: Record<string, never>;
  /** a^b with numpy broadcasting (float only). */
  Pow: Record<string, never>;
  Concat: { axis: number };
  Relu: Record<string, never>;
  Clip: { min: number; max: number };
  LeakyRelu: { alpha: number };
  Sigmoid: Record<string, never>;
  Tanh: Record<string, never>;
  /** x · relu6(x + 3) / 6 (MobileNetV3). */
  HardSwish: Record<string, never>;
  /** max(0, min(1, alpha · x + beta)). */
  HardSigmoid: { alpha: number; beta: number };
  /** x ≥ 0 ? x : slope · x; input 1 is the slope, broadcast to x (one value per channel, usually). */
  PRelu: Record<string, never>;
  Exp: Record<string, never>;
  Log: Record<string, never>;
  Abs: Record<string, never>;
  Sqrt: Record<string, never>;
  Reciprocal: Record<string, never>;
  Floor: Record<string, never>;
  Ceil: Record<string, never>;
  /** Halves to even (ONNX Round). */
  Round: Record<string, never>;
  Sign: Record<string, never>;
  Erf: Record<string, never>;
  Sin: Record<string, never>;
  Cos: Record<string, never>;
  /** x < 0 ? alpha · (e^x − 1) : x. */
  Elu: { alpha: number };
  /** gamma · (x > 0 ? x : alpha · (e^x − 1)). */
  Selu: { alpha: number; gamma: number };
  /** max(0, x) + min(0, alpha · (e^(x/alpha) − 1)). */
  Celu: { alpha: number };
  /** ln(1 + e^x). */
  Softplus: Record<string, never>;
  /** x / (1 + |x|). */
  Softsign: Record<string, never>;
  /** x > alpha ? x : 0. */
  ThresholdedRelu: { alpha: number };
  /** x · tanh(softplus(x)). */
  Mish: Record<string, never>;
  /** x · Φ(x) (approximate 'none', with erf) or its tanh approximation (ONNX Gelu, opset 20). */
  Gelu: { approximate: 'none' | 'tanh' };
  /** Reductions over `axes` of the IR tensor (NHWC axes for 4-D); keepdims leaves 1s in their place. */
  ReduceMean: ReduceAttrs;
  ReduceMax: ReduceAttrs;
  ReduceSum: ReduceAttrs;
  ReduceMin: ReduceAttrs;
  ReduceProd: ReduceAttrs;
  ReduceL1: ReduceAttrs;
  ReduceL2: ReduceAttrs;
  ReduceSumSquare: ReduceAttrs;
  ReduceLogSumExp: ReduceAttrs;
  /** The index (int32) of the largest / smallest value along `axis` (resolved, non-negative); ties give the first
   *  index, or the last with selectLastIndex. keepdims leaves a 1 in the axis's place (ONNX ArgMax / ArgMin). */
  ArgMax: ArgReduceAttrs;
  ArgMin: ArgReduceAttrs;
  Softmax: { axis: number; beta: number };
  /** ln(softmax(x)) along one axis: (x − max) − ln Σ e^(x − max). */
  LogSoftmax: { axis: number };
  Reshape: { shape: number[] };
  Transpose: { perm: number[] };
  /** ONNX order: begins for every axis, then ends. mode (default constant): reflect mirrors without repeating the edge,
   *  edge repeats it; both need pads below the axis size (reflect: at most size − 1). */
  Pad: { pads: number[]; value: number; mode?: PadMode };
  /** out[i] = x[starts + i·steps] per axis, ends exclusive; every index resolved (no negatives, clamped) at import. */
  Slice: { starts: number[]; ends: number[]; steps: number[] };
  /** x taken at constant `indices` (shaped indicesShape, each in [0, dim)) along `axis`: ONNX Gather. */
  Gather: { axis: number; indices: number[]; indicesShape: number[] };
  /** Broadcast to `shape` (same rank as the input; each input dim is 1 or equal). */
  Expand: { shape: number[] };
  /** Resize over H and W of an NHWC tensor (ONNX Resize / Upsample, TFLite RESIZE_*): `size` is the output [H, W];
   *  `scales` the factors the coordinate transform divides by (ONNX's given scales, else output / input size). */
  Resize: {
    mode: 'nearest' | 'linear';
    coordinateMode: ResizeCoordinateMode;
    nearestMode: ResizeNearestMode;
    size: [number, number];
    scales: [number, number];
  };
  /** The last axis read as [groups, C/groups] and written as [C/groups, groups] (ShuffleNet's channel shuffle). */
  ChannelShuffle: { groups: number };
  BatchNormalization: { epsilon: number };
  /** Normalises each slice x[i0..i(axis-1), …] over the trailing axes from `axis` (in IR memory order): inputs
   *  [x, scale, bias?], scale and bias shaped like those trailing axes (ONNX LayerNormalization, opset 17). */
  LayerNormalization: { axis: number; epsilon: number };
  /** Normalises each (sample, channel) over the axes between the batch and the channel (H, W of NHWC): inputs
   *  [x, scale [C], bias [C]] (ONNX InstanceNormalization). */
  InstanceNormalization: { epsilon: number };
  /** ONNX GRU, one direction, default activations (sigmoid, tanh). Inputs [X [T,B,I], W [3H,I], R [3H,H], B [6H]?,
   *  initialH [1,B,H]?], gates in ONNX order z, r, h. Output [T,B,H] (every step) or [1,B,H] (the last one). */
  GRU: RecurrentAttrs & { linearBeforeReset: boolean };
  /** ONNX LSTM, one direction, no peepholes, default activations (sigmoid, tanh, tanh). Inputs [X [T,B,I], W [4H,I],
   *  R [4H,H], B [8H]?, initialH [1,B,H]?, initialC [1,B,H]?], gates in ONNX order i, o, f, c. Output as GRU's. */
  LSTM: RecurrentAttrs;
  /** f32 → i8 with the output tensor's quant; i8 → i8 requantizes. */
  Quantize: Record<string, never>;
  /** i8 → f32 with the input tensor's quant. */
  Dequantize: Record<string, never>;
}

export type OpType = keyof OpAttrs;
export const OP_TYPES = [
  'Dense',
  'Conv2D',
  'DepthwiseConv2D',
  'ConvTranspose',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Min',
  'Max',
  'Pow',
  'Concat',
  'Relu',
  'Clip',
  'LeakyRelu',
  'Sigmoid',
  'Tanh',
  'HardSwish',
  'HardSigmoid',
  'PRelu',
  'Exp',
  'Log',
  'Abs',
  'Sqrt',
  'Reciprocal',
  'Floor',
  'Ceil',
  'Round',
  'Sign',
  'Erf',
  'Sin',
  'Cos',
  'Elu',
  'Selu',
  'Celu',
  'Softplus',
  'Softsign',
  'ThresholdedRelu',
  'Mish',
  'Gelu',
  'ReduceMean',
  'ReduceMax',
  'ReduceSum',
  'ReduceMin',
  'ReduceProd',
  'ReduceL1',
  'ReduceL2',
  'ReduceSumSquare',
  'ReduceLogSumExp',
  'ArgMax',
  'ArgMin',
  'Softmax',
  'LogSoftmax',
  'Reshape',
  'Transpose',
  'Pad',
  'Slice',
  'Gather',
  'Expand',
  'ChannelShuffle',
  'Resize',
  'BatchNormalization',
  'LayerNormalization',
  'InstanceNormalization',
  'GRU',
  'LSTM',
  'Quantize',
  'Dequantize',
] as const satisfies readonly OpType[];

export type Node<T extends OpType = OpType> = {
  [K in T]: {
    /** Unique within the graph; the name from the model file, or a generated one. */
    name: string;
    op: K;
    /** Tensor names; '' marks an absent optional input (e.g. no bias). */
    inputs: string[];
    outputs: string[];
    attrs: OpAttrs[K];
  };
}[T];

/** Input preprocessing the model expects: x = ((raw * scale) - mean[c]) / std[c]. */
export interface Preprocess {
  scale: number;
  mean: number[];
  std: number[];
}

export interface GraphMetadata {
  /** Where the graph came from: file path and format. */
  source?: { path: string; format: 'onnx' | 'tfjs' | 'tflite' | 'ir' };
  preprocess?: Preprocess;
  /** Class labels for the output, when known. */
  labels?: string[];
  [key: string]: unknown;
}

/** A static, topologically sorted graph. Passes return new graphs and never mutate their input. */
export interface Graph {
  name: string;
  inputs: string[];
  outputs: string[];
  tensors: Record<string, Tensor>;
  nodes: Node[];
  metadata: GraphMetadata;
}

export function product(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Deep copy, so a pass can edit freely without touching its input. Typed arrays are copied. */
export function cloneGraph(g: Graph): Graph {
  const tensors: Record<string, Tensor> = Object.create(null); // names from a file: no prototype to collide with
  for (const [k, t] of Object.entries(g.tensors)) {
    tensors[k] = {
      ...t,
      shape: [...t.shape],
      data: t.data ? (t.data.slice() as Tensor['data']) : undefined,
      quant: t.quant ? { ...t.quant, scale: [...t.quant.scale], zeroPoint: [...t.quant.zeroPoint] } : undefined,
      mask: t.mask?.slice(),
      storage: t.storage ? structuredClone(t.storage) : undefined,
    };
  }
  return {
    name: g.name,
    inputs: [...g.inputs],
    outputs: [...g.outputs],
    tensors,
    nodes: g.nodes.map((n) => ({ ...n, inputs: [...n.inputs], outputs: [...n.outputs], attrs: structuredClone(n.attrs) }) as Node),
    metadata: structuredClone(g.metadata),
  };
}

/** The constant tensors (weights and biases) of a graph. */
export function isConstant(t: Tensor): boolean {
  return t.data !== undefined;
}
