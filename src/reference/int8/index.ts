// The int8 reference kernels by op, used by the interpreter when a node's first input is 'i8'. Typed over every op, so a
// new op states here whether it has one (null: int8 quantization keeps it in float between Dequantize and Quantize).
// Each kernel mirrors TFLite's reference integer kernel; the file header of each gives the exact arithmetic.

import type { OpType } from '../../ir/graph.ts';
import type { Kernel } from '../kernel.ts';
import { argReduceInt8 } from './arg-reduce.ts';
import { addInt8, subInt8 } from './add.ts';
import { averagePoolInt8 } from './average-pool.ts';
import { concatInt8 } from './concat.ts';
import { conv2dInt8 } from './conv2d.ts';
import { denseInt8 } from './dense.ts';
import { depthwiseConv2dInt8 } from './depthwise-conv2d.ts';
import { dequantizeInt8 } from './dequantize.ts';
import { globalAveragePoolInt8 } from './global-average-pool.ts';
import { lutInt8 } from './lut.ts';
import { preluInt8 } from './prelu.ts';
import { minMaxInt8 } from './min-max.ts';
import { maxPoolInt8 } from './max-pool.ts';
import { mulInt8 } from './mul.ts';
import { padInt8 } from './pad.ts';
import { sliceInt8 } from './slice.ts';
import { expandInt8 } from './expand.ts';
import { channelShuffleInt8 } from './channel-shuffle.ts';
import { gatherInt8 } from './gather.ts';
import { quantizeInt8 } from './quantize.ts';
import { reduceInt8 } from './reduce.ts';
import { reluInt8 } from './relu.ts';
import { reshapeInt8 } from './reshape.ts';
import { softmaxInt8 } from './softmax.ts';
import { transposeInt8 } from './transpose.ts';
import { resizeInt8 } from './resize.ts';
import { convTransposeInt8 } from './conv-transpose.ts';
import { gruInt8, lstmInt8 } from './recurrent.ts';

export const int8Kernels = {
  Dense: denseInt8,
  Conv2D: conv2dInt8,
  DepthwiseConv2D: depthwiseConv2dInt8,
  ConvTranspose: convTransposeInt8,
  MaxPool: maxPoolInt8,
  AveragePool: averagePoolInt8,
  GlobalAveragePool: globalAveragePoolInt8,
  Add: addInt8,
  Sub: subInt8,
  Mul: mulInt8,
  Concat: concatInt8,
  HardSwish: lutInt8,
  Relu: reluInt8,
  Clip: reluInt8,
  Softmax: softmaxInt8,
  LogSoftmax: null,
  Reshape: reshapeInt8,
  Transpose: transposeInt8,
  Pad: padInt8,
  Slice: sliceInt8,
  Gather: gatherInt8,
  Expand: expandInt8,
  ChannelShuffle: channelShuffleInt8,
  Resize: resizeInt8,
  Quantize: quantizeInt8,
  Dequantize: dequantizeInt8,
  Div: null,
  Min: minMaxInt8,
  Max: minMaxInt8,
  Pow: null,
  LeakyRelu: null,
  Sigmoid: lutInt8,
  Tanh: lutInt8,
  HardSigmoid: lutInt8,
  Exp: lutInt8,
  Log: lutInt8,
  Abs: lutInt8,
  Sqrt: lutInt8,
  Reciprocal: lutInt8,
  Floor: lutInt8,
  Ceil: lutInt8,
  Round: lutInt8,
  Sign: lutInt8,
  Erf: lutInt8,
  Sin: lutInt8,
  Cos: lutInt8,
  Elu: lutInt8,
  Selu: lutInt8,
  Celu: lutInt8,
  Softplus: lutInt8,
  Softsign: lutInt8,
  ThresholdedRelu: lutInt8,
  Mish: lutInt8,
  Gelu: lutInt8,
  ReduceMean: reduceInt8,
  ReduceMax: reduceInt8,
  ReduceSum: reduceInt8,
  ReduceMin: null,
  ReduceProd: null,
  ReduceL1: null,
  ReduceL2: null,
  ReduceSumSquare: null,
  ReduceLogSumExp: null,
  ArgMax: argReduceInt8,
  ArgMin: argReduceInt8,
  PRelu: preluInt8,
  BatchNormalization: null,
  LayerNormalization: null,
  InstanceNormalization: null,
  GRU: gruInt8,
  LSTM: lstmInt8,
} satisfies Record<OpType, Kernel | null>;
