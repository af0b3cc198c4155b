// TFLite builtin operator names for messages, and readers for the BuiltinOptions tables (schema.fbs field order).
import type { Table } from './tflite-flatbuffer.ts';

/** BuiltinOperator enum value → name (the imported ops and common others), for messages and the converter table. */
const OP_NAMES: Record<number, string> = {
  0: 'ADD',
  1: 'AVERAGE_POOL_2D',
  2: 'CONCATENATION',
  3: 'CONV_2D',
  4: 'DEPTHWISE_CONV_2D',
  5: 'DEPTH_TO_SPACE',
  6: 'DEQUANTIZE',
  8: 'FLOOR',
  9: 'FULLY_CONNECTED',
  14: 'LOGISTIC',
  17: 'MAX_POOL_2D',
  18: 'MUL',
  19: 'RELU',
  20: 'RELU_N1_TO_1',
  21: 'RELU6',
  22: 'RESHAPE',
  23: 'RESIZE_BILINEAR',
  25: 'SOFTMAX',
  26: 'SPACE_TO_DEPTH',
  28: 'TANH',
  32: 'CUSTOM',
  34: 'PAD',
  36: 'GATHER',
  39: 'TRANSPOSE',
  40: 'MEAN',
  41: 'SUB',
  42: 'DIV',
  43: 'SQUEEZE',
  44: 'UNIDIRECTIONAL_SEQUENCE_LSTM',
  45: 'STRIDED_SLICE',
  47: 'EXP',
  49: 'SPLIT',
  50: 'LOG_SOFTMAX',
  53: 'CAST',
  54: 'PRELU',
  55: 'MAXIMUM',
  56: 'ARG_MAX',
  57: 'MINIMUM',
  59: 'NEG',
  60: 'PADV2',
  65: 'SLICE',
  66: 'SIN',
  67: 'TRANSPOSE_CONV',
  69: 'TILE',
  70: 'EXPAND_DIMS',
  73: 'LOG',
  74: 'SUM',
  75: 'SQRT',
  76: 'RSQRT',
  78: 'POW',
  79: 'ARG_MIN',
  81: 'REDUCE_PROD',
  82: 'REDUCE_MAX',
  83: 'PACK',
  88: 'UNPACK',
  89: 'REDUCE_MIN',
  92: 'SQUARE',
  97: 'RESIZE_NEAREST_NEIGHBOR',
  98: 'LEAKY_RELU',
  99: 'SQUARED_DIFFERENCE',
  100: 'MIRROR_PAD',
  101: 'ABS',
  102: 'SPLIT_V',
  104: 'CEIL',
  108: 'COS',
  111: 'ELU',
  114: 'QUANTIZE',
  116: 'ROUND',
  117: 'HARD_SWISH',
  126: 'BATCH_MATMUL',
  130: 'BROADCAST_TO',
  150: 'GELU',
  152: 'RELU_0_TO_1',
  158: 'SIGN',
};

export function builtinOpName(code: number, customCode: string | null): string {
  if (code === 32 && customCode) return `CUSTOM(${customCode})`;
  return OP_NAMES[code] ?? `BUILTIN_${code}`;
}

/** BuiltinOptions union type ids (1-based position in the union). */
export const OptionsType = {
  Conv2DOptions: 1,
  DepthwiseConv2DOptions: 2,
  Pool2DOptions: 5,
  FullyConnectedOptions: 8,
  SoftmaxOptions: 9,
  AddOptions: 11,
  ReshapeOptions: 17,
  GatherOptions: 23,
  SliceOptions: 48,
  MirrorPadOptions: 77,
  ReducerOptions: 27,
  ResizeBilinearOptions: 15,
  TransposeConvOptions: 49,
  SpaceToDepthOptions: 19,
  DepthToSpaceOptions: 94,
  ResizeNearestNeighborOptions: 74,
  ConcatenationOptions: 10,
  PadOptions: 22,
  TransposeOptions: 26,
  SqueezeOptions: 30,
  StridedSliceOptions: 32,
  SplitOptions: 35,
  PadV2Options: 43,
  ExpandDimsOptions: 52,
  PackOptions: 59,
  UnpackOptions: 64,
  SplitVOptions: 79,
  ArgMaxOptions: 40,
  MulOptions: 21,
  SubOptions: 28,
  DivOptions: 29,
  LeakyReluOptions: 75,
  GeluOptions: 116,
  ArgMinOptions: 57,
  UnidirectionalSequenceLSTMOptions: 71,
} as const;

/** GatherOptions: axis (may be negative), batch_dims. */
export function readGatherOptions(t: Table | null): { axis: number; batchDims: number } {
  return { axis: t?.int32(0, 0) ?? 0, batchDims: t?.int32(1, 0) ?? 0 };
}

/** SpaceToDepthOptions and DepthToSpaceOptions: block_size. */
export function readBlockSize(t: Table | null): number {
  return t?.int32(0, 0) ?? 0;
}

/** TransposeConvOptions: padding, stride_w, stride_h, fused_activation_function (version 4 and later). */
export function readTransposeConvOptions(t: Table | null): {
  padding: Padding | number;
  strideW: number;
  strideH: number;
  activation: FusedActivation;
} {
  return { padding: padding(t, 0), strideW: t?.int32(1, 0) ?? 0, strideH: t?.int32(2, 0) ?? 0, activation: t?.int8(3, 0) ?? 0 };
}

/** ResizeBilinearOptions (align_corners 2, half_pixel_centers 3; 0 and 1 are deprecated sizes) and
 *  ResizeNearestNeighborOptions (align_corners 0, half_pixel_centers 1). */
export function readResizeOptions(t: Table | null, bilinear: boolean): { alignCorners: boolean; halfPixelCenters: boolean } {
  const first = bilinear ? 2 : 0;
  return { alignCorners: t?.bool(first, false) ?? false, halfPixelCenters: t?.bool(first + 1, false) ?? false };
}

/** MirrorPadOptions: mode REFLECT 0 (edge not repeated), SYMMETRIC 1 (edge repeated). */
export function readMirrorPadOptions(t: Table | null): { mode: number } {
  return { mode: t?.int8(0, 0) ?? 0 };
}

export type Padding = 'SAME' | 'VALID';
/** ActivationFunctionType: NONE 0, RELU 1, RELU_N1_TO_1 2, RELU6 3, TANH 4, SIGN_BIT 5. */
export type FusedActivation = number;

function padding(t: Table | null, id: number): Padding | number {
  const p = t ? t.int8(id, 0) : 0;
  return p === 0 ? 'SAME' : p === 1 ? 'VALID' : p;
}

export interface ConvOptions {
  padding: Padding | number;
  strideW: number;
  strideH: number;
  dilationW: number;
  dilationH: number;
  activation: FusedActivation;
  /** quantized_bias_type (0 = default int32 for int8). */
  biasType: number;
}

export function readConv2DOptions(t: Table | null): ConvOptions {
  return {
    padding: padding(t, 0),
    strideW: t?.int32(1, 0) ?? 0,
    strideH: t?.int32(2, 0) ?? 0,
    activation: t?.int8(3, 0) ?? 0,
    dilationW: t?.int32(4, 1) ?? 1,
    dilationH: t?.int32(5, 1) ?? 1,
    biasType: t?.int8(6, 0) ?? 0,
  };
}

export function readDepthwiseConv2DOptions(t: Table | null): ConvOptions & { depthMultiplier: number } {
  return {
    padding: padding(t, 0),
    strideW: t?.int32(1, 0) ?? 0,
    strideH: t?.int32(2, 0) ?? 0,
    depthMultiplier: t?.int32(3, 0) ?? 0,
    activation: t?.int8(4, 0) ?? 0,
    dilationW: t?.int32(5, 1) ?? 1,
    dilationH: t?.int32(6, 1) ?? 1,
    biasType: 0,
  };
}

export interface PoolOptions {
  padding: Padding | number;
  strideW: number;
  strideH: number;
  filterW: number;
  filterH: number;
  activation: FusedActivation;
}

export function readPool2DOptions(t: Table | null): PoolOptions {
  return {
    padding: padding(t, 0),
    strideW: t?.int32(1, 0) ?? 0,
    strideH: t?.int32(2, 0) ?? 0,
    filterW: t?.int32(3, 0) ?? 0,
    filterH: t?.int32(4, 0) ?? 0,
    activation: t?.int8(5, 0) ?? 0,
  };
}

export interface FullyConnectedOptions {
  activation: FusedActivation;
  weightsFormat: number;
  keepNumDims: boolean;
  asymmetricQuantizeInputs: boolean;
  biasType: number;
}

/** UnidirectionalSequenceLSTMOptions: fused_activation_function, cell_clip, proj_clip (0 = none), time_major,
 *  asymmetric_quantize_inputs, diagonal_recurrent_tensors. */
export function readUnidirectionalSequenceLstmOptions(t: Table | null): {
  activation: FusedActivation;
  cellClip: number;
  projClip: number;
  timeMajor: boolean;
  diagonalRecurrent: boolean;
} {
  return {
    activation: t?.int8(0, 0) ?? 0,
    cellClip: t?.float32(1, 0) ?? 0,
    projClip: t?.float32(2, 0) ?? 0,
    timeMajor: t?.bool(3, false) ?? false,
    diagonalRecurrent: t?.bool(5, false) ?? false,
  };
}

export function readFullyConnectedOptions(t: Table | null): FullyConnectedOptions {
  return {
    activation: t?.int8(0, 0) ?? 0,
    weightsFormat: t?.int8(1, 0) ?? 0,
    keepNumDims: t?.bool(2, false) ?? false,
    asymmetricQuantizeInputs: t?.bool(3, false) ?? false,
    biasType: t?.int8(4, 0) ?? 0,
  };
}

export function readSoftmaxOptions(t: Table | null): { beta: number } {
  return { beta: t?.float32(0, 0) ?? 0 };
}

export function readAddOptions(t: Table | null): { activation: FusedActivation } {
  return { activation: t?.int8(0, 0) ?? 0 };
}

export function readReshapeOptions(t: Table | null): { newShape: number[] } {
  return { newShape: t ? t.int32s(0, `${t.what}.new_shape`) : [] };
}

/** ReducerOptions (MEAN, SUM, REDUCE_MAX): keep_dims. */
export function readReducerOptions(t: Table | null): { keepDims: boolean } {
  return { keepDims: t?.bool(0, false) ?? false };
}

/** ConcatenationOptions: axis (may be negative), fused activation. */
export function readConcatenationOptions(t: Table | null): { axis: number; activation: FusedActivation } {
  return { axis: t?.int32(0, 0) ?? 0, activation: t?.int8(1, 0) ?? 0 };
}

/** SqueezeOptions: squeeze_dims (empty = every size-1 axis). */
export function readSqueezeOptions(t: Table | null): { squeezeDims: number[] } {
  return { squeezeDims: t ? t.int32s(0, `${t.what}.squeeze_dims`) : [] };
}

/** StridedSliceOptions: one bit per begin/end/strides entry for each mask; offset makes end relative to begin. */
export interface StridedSliceOptions {
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
  offset: boolean;
}

export function readStridedSliceOptions(t: Table | null): StridedSliceOptions {
  return {
    beginMask: t?.int32(0, 0) ?? 0,
    endMask: t?.int32(1, 0) ?? 0,
    ellipsisMask: t?.int32(2, 0) ?? 0,
    newAxisMask: t?.int32(3, 0) ?? 0,
    shrinkAxisMask: t?.int32(4, 0) ?? 0,
    offset: t?.bool(5, false) ?? false,
  };
}

/** SplitOptions and SplitVOptions: num_splits (the number of outputs). */
export function readSplitOptions(t: Table | null): { numSplits: number } {
  return { numSplits: t?.int32(0, 0) ?? 0 };
}

/** PackOptions: values_count, axis. */
export function readPackOptions(t: Table | null): { valuesCount: number; axis: number } {
  return { valuesCount: t?.int32(0, 0) ?? 0, axis: t?.int32(1, 0) ?? 0 };
}

/** UnpackOptions: num, axis. */
export function readUnpackOptions(t: Table | null): { num: number; axis: number } {
  return { num: t?.int32(0, 0) ?? 0, axis: t?.int32(1, 0) ?? 0 };
}
