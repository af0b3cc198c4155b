// The op table: one OpDef per IR op. Typed Record<OpType, OpDef> so a new op in graph.ts fails to compile until it has a row here.
import type { OpType } from '../graph.ts';
import type { OpDef } from './op-def.ts';
import { add } from './add.ts';
import { argMax, argMin } from './arg-reduce.ts';
import { averagePool } from './average-pool.ts';
import { batchNormalization } from './batch-normalization.ts';
import { layerNormalization } from './layer-normalization.ts';
import { instanceNormalization } from './instance-normalization.ts';
import { clip } from './clip.ts';
import { concat } from './concat.ts';
import { conv2d } from './conv2d.ts';
import { convTranspose } from './conv-transpose.ts';
import { dense } from './dense.ts';
import { depthwiseConv2d } from './depthwise-conv2d.ts';
import { dequantize } from './dequantize.ts';
import { div } from './div.ts';
import { max, min, pow } from './min-max-pow.ts';
import { globalAveragePool } from './global-average-pool.ts';
import { exp } from './exp.ts';
import { hardSigmoid } from './hard-sigmoid.ts';
import { hardSwish } from './hard-swish.ts';
import { log } from './log.ts';
import { prelu } from './prelu.ts';
import { reduceL1, reduceL2, reduceLogSumExp, reduceMax, reduceMean, reduceMin, reduceProd, reduceSum, reduceSumSquare } from './reduce.ts';
import { leakyRelu } from './leaky-relu.ts';
import { maxPool } from './max-pool.ts';
import { mul } from './mul.ts';
import { pad } from './pad.ts';
import { slice } from './slice.ts';
import { gather } from './gather.ts';
import { expand } from './expand.ts';
import { channelShuffle } from './channel-shuffle.ts';
import { gru, lstm } from './recurrent.ts';
import { quantize } from './quantize.ts';
import { relu } from './relu.ts';
import { resize } from './resize.ts';
import { reshape } from './reshape.ts';
import { sigmoid } from './sigmoid.ts';
import { logSoftmax, softmax } from './softmax.ts';
import { sub } from './sub.ts';
import { tanh } from './tanh.ts';
import { transpose } from './transpose.ts';
import {
  abs,
  ceil,
  celu,
  cos,
  elu,
  erf,
  floor,
  gelu,
  mish,
  reciprocal,
  round,
  selu,
  sign,
  sin,
  softplus,
  softsign,
  sqrt,
  thresholdedRelu,
} from './unary-math.ts';

export type { OpDef, OpFacts, InputInfo, Int8Output } from './op-def.ts';

export const opDefs = {
  Dense: dense,
  Conv2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  ConvTranspose: convTranspose,
  MaxPool: maxPool,
  AveragePool: averagePool,
  GlobalAveragePool: globalAveragePool,
  Add: add,
  Sub: sub,
  Mul: mul,
  Div: div,
  Min: min,
  Max: max,
  Pow: pow,
  Concat: concat,
  Relu: relu,
  Clip: clip,
  LeakyRelu: leakyRelu,
  Sigmoid: sigmoid,
  Tanh: tanh,
  HardSwish: hardSwish,
  HardSigmoid: hardSigmoid,
  PRelu: prelu,
  Exp: exp,
  Log: log,
  Abs: abs,
  Sqrt: sqrt,
  Reciprocal: reciprocal,
  Floor: floor,
  Ceil: ceil,
  Round: round,
  Sign: sign,
  Erf: erf,
  Sin: sin,
  Cos: cos,
  Elu: elu,
  Selu: selu,
  Celu: celu,
  Softplus: softplus,
  Softsign: softsign,
  ThresholdedRelu: thresholdedRelu,
  Mish: mish,
  Gelu: gelu,
  ReduceMean: reduceMean,
  ReduceMax: reduceMax,
  ReduceSum: reduceSum,
  ReduceMin: reduceMin,
  ReduceProd: reduceProd,
  ReduceL1: reduceL1,
  ReduceL2: reduceL2,
  ReduceSumSquare: reduceSumSquare,
  ReduceLogSumExp: reduceLogSumExp,
  ArgMax: argMax,
  ArgMin: argMin,
  Softmax: softmax,
  LogSoftmax: logSoftmax,
  Reshape: reshape,
  Transpose: transpose,
  Pad: pad,
  Slice: slice,
  Gather: gather,
  Expand: expand,
  ChannelShuffle: channelShuffle,
  Resize: resize,
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
  InstanceNormalization: instanceNormalization,
  GRU: gru,
  LSTM: lstm,
  Quantize: quantize,
  Dequantize: dequantize,
} satisfies { [K in OpType]: OpDef<K> };

/** The OpDef of `op`, typed loosely for generic callers (shape inference, validation). */
export function opDef(op: OpType): OpDef {
  return opDefs[op] as unknown as OpDef;
}
