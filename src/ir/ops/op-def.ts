// The OpDef interface: what every IR op declares, so shape inference, validation, the builder and every later stage
// (memory planner, activation fusion, int8 quantization, channel pruning) read an op's facts from one place.
import type { DType, OpAttrs, OpType, Tensor } from '../graph.ts';

/** The inputs an op sees during inference: shape and dtype of each, undefined where the input is absent (''). */
export type InputInfo = Pick<Tensor, 'shape' | 'dtype'> & { data?: Tensor['data'] };

/** How int8 quantization sets an op's output scale and zero point. */
export type Int8Output =
  /** The input's: the kernel moves or compares int8 values (TFLite requires the same quantization). */
  | 'input'
  /** Calibrated, and a Concat that is its only consumer may impose its own (saves a requantization). */
  | 'free'
  /** Calibrated. */
  | 'calibrated'
  /** Fixed by the op whatever the data (Softmax: 1/256, −128). */
  | 'fixed'
  /** Not quantized: the output holds int32 positions in the input (ArgMax), whatever the input's dtype. */
  | 'index';

/** The facts later stages need about an op. Every field is required, so a new op states each one. */
export interface OpFacts {
  /** The kernel reads element i before writing element i: the memory planner may let the output overwrite a
   *  same-size input. */
  inPlace: boolean;
  /** y[i] = f(x[i]) on one input: every channel is kept (channel pruning passes through it), and it commutes with
   *  Reshape/Transpose. */
  perElement: boolean;
  /** attrs.activation is a fused Relu/Relu6 the kernel applies: the activation-fusion pass may fold a following
   *  Relu / Clip(0, 6) / Clip(0, ∞) into it. */
  fusedActivation: boolean;
  /** Input 1 is a weight whose output channels lie on this axis (per-channel int8 scales, BN folding), else null. */
  weightChannelAxis: number | null;
  int8Output: Int8Output;
}

/**
 * One IR op. Adding an op = a new file in this folder exporting an OpDef, plus one row in `index.ts`
 * (docs/adding-an-op.md: the whole recipe).
 * - `inputs`: how many input names the node may list (absent optional inputs are '').
 * - `defaults`: attribute values the builder fills in when a caller leaves them out.
 * - `validate`: every problem with the attrs and input shapes, in the user's words; [] when fine.
 *   Called before `inferShapes`, which may then assume the inputs are well formed.
 * - `inferShapes`: one output shape per output, from the input shapes and the attrs.
 * - `outputDtype` (optional): the dtype of a new output tensor; default is the first input's dtype.
 */
export interface OpDef<K extends OpType = OpType> extends OpFacts {
  op: K;
  inputs: { min: number; max: number };
  defaults: OpAttrs[K];
  validate(inputs: (InputInfo | undefined)[], attrs: OpAttrs[K]): string[];
  inferShapes(inputs: (InputInfo | undefined)[], attrs: OpAttrs[K]): number[][];
  outputDtype?(inputs: (InputInfo | undefined)[]): DType;
}

/** Shape as text for messages: [1,28,28,1]. */
export function fmtShape(shape: readonly number[] | undefined): string {
  return shape ? `[${shape.join(',')}]` : '(missing)';
}

/** Problems with a required NHWC input (rank 4). */
export function requireRank(what: string, t: InputInfo | undefined, rank: number): string[] {
  if (!t) return [`${what} is missing`];
  if (t.shape.length !== rank) return [`${what} must have rank ${rank}, got shape ${fmtShape(t.shape)}`];
  return [];
}

/** Problems with a pair of positive integers such as strides or kernel sizes. */
export function requirePositivePair(what: string, v: readonly number[] | undefined): string[] {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => Number.isInteger(x) && x >= 1)) {
    return [`${what} must be two positive integers, got ${JSON.stringify(v)}`];
  }
  return [];
}

/** Problems with explicit pads [top, left, bottom, right]. */
export function requirePads(v: readonly number[] | undefined): string[] {
  if (!Array.isArray(v) || v.length !== 4 || !v.every((x) => Number.isInteger(x) && x >= 0)) {
    return [`pads must be four non-negative integers [top,left,bottom,right], got ${JSON.stringify(v)}`];
  }
  return [];
}

export function requireActivation(v: unknown): string[] {
  return v === 'none' || v === 'relu' || v === 'relu6' ? [] : [`activation must be 'none', 'relu' or 'relu6', got ${JSON.stringify(v)}`];
}

/** Checks every convolution shares (Conv2D, DepthwiseConv2D): window attributes, fused activation, 4-D input and weights. */
export function requireConvBasics(
  x: InputInfo | undefined,
  w: InputInfo | undefined,
  a: { strides?: readonly number[]; dilations?: readonly number[]; pads?: readonly number[]; activation: unknown },
): string[] {
  return [
    ...requirePositivePair('strides', a.strides),
    ...requirePositivePair('dilations', a.dilations),
    ...requirePads(a.pads),
    ...requireActivation(a.activation),
    ...requireRank('input', x, 4),
    ...requireRank('weights', w, 4),
  ];
}

/** Sliding-window output size (conv and pools): floor((in + pads - dilated kernel) / stride) + 1. */
export function windowOutSize(inSize: number, kernel: number, stride: number, dilation: number, padBegin: number, padEnd: number): number {
  const effective = dilation * (kernel - 1) + 1;
  return Math.floor((inSize + padBegin + padEnd - effective) / stride) + 1;
}

/** Problems when a sliding window leaves no output (kernel larger than the padded input). */
export function requireWindowFits(
  x: InputInfo,
  kernel: readonly number[],
  dilations: readonly number[],
  pads: readonly number[],
): string[] {
  const [, h, w] = x.shape;
  const eh = dilations[0] * (kernel[0] - 1) + 1;
  const ew = dilations[1] * (kernel[1] - 1) + 1;
  if (h + pads[0] + pads[2] < eh || w + pads[1] + pads[3] < ew) {
    return [`window ${eh}x${ew} (after dilation) is larger than the padded input ${h + pads[0] + pads[2]}x${w + pads[1] + pads[3]}`];
  }
  return [];
}

/** Unary element-wise ops: one input, output shape = input shape. */
export function sameShape(inputs: (InputInfo | undefined)[]): number[][] {
  return [[...inputs[0]!.shape]];
}

export function requireInput(inputs: (InputInfo | undefined)[]): string[] {
  return inputs[0] ? [] : ['input 0 is missing'];
}

/** The facts and checks of a function applied to each element of one input: same shape out, the kernel may run in
 *  place, the int8 output scale is calibrated. An op spreads it and states `op` and `defaults` (Sigmoid, HardSwish…). */
export const UNARY_ELEMENTWISE = {
  inputs: { min: 1, max: 1 },
  inPlace: true,
  perElement: true,
  fusedActivation: false,
  weightChannelAxis: null,
  int8Output: 'calibrated',
  validate: requireInput,
  inferShapes: sameShape,
} as const satisfies Omit<OpDef, 'op' | 'defaults'>;

/** The facts of an op that rearranges the values of one input without arithmetic (Pad, Reshape, Transpose): a new
 *  buffer, not a per-element function, the input's int8 quantization passed through. */
export const MOVES_VALUES = {
  inputs: { min: 1, max: 1 },
  inPlace: false,
  perElement: false,
  fusedActivation: false,
  weightChannelAxis: null,
  int8Output: 'input',
} as const satisfies OpFacts & Pick<OpDef, 'inputs'>;

/** Resolve a possibly negative axis; undefined when out of range. */
export function normalizeAxis(axis: number, rank: number): number | undefined {
  if (!Number.isInteger(axis)) return undefined;
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : undefined;
}
