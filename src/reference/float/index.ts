// The float kernel table: one reference kernel per IR op, typed Record<OpType, Kernel> so a new op fails to compile until it has one.
// Quantize (f32 → i8) and Dequantize (i8 → f32) live here because they take or produce float.
import type { OpType } from '../../ir/graph.ts';
import type { Kernel } from '../kernel.ts';
import { argReduce } from './arg-reduce.ts';
import { add } from './add.ts';
import { averagePool } from './average-pool.ts';
import { batchNormalization } from './batch-normalization.ts';
import { layerNormalization } from './layer-normalization.ts';
import { instanceNormalization } from './instance-normalization.ts';
import { clip } from './clip.ts';
import { concat } from './concat.ts';
import { conv2d } from './conv2d.ts';
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
import { unaryMath } from './unary-math.ts';
import { logSoftmax } from './log-softmax.ts';
import { reduceMath } from './reduce-math.ts';
import { prelu } from './prelu.ts';
import { reduceMax, reduceMean, reduceSum } from './reduce.ts';
import { leakyRelu } from './leaky-relu.ts';
import { maxPool } from './max-pool.ts';
import { mul } from './mul.ts';
import { pad } from './pad.ts';
import { slice } from './slice.ts';
import { expand } from './expand.ts';
import { channelShuffle } from './channel-shuffle.ts';
import { gather } from './gather.ts';
import { quantize } from './quantize.ts';
import { gru, lstm } from './recurrent.ts';
import { relu } from './relu.ts';
import { reshape } from './reshape.ts';
import { sigmoid } from './sigmoid.ts';
import { softmax } from './softmax.ts';
import { sub } from './sub.ts';
import { tanh } from './tanh.ts';
import { transpose } from './transpose.ts';
import { resize } from './resize.ts';
import { convTranspose } from './conv-transpose.ts';

export const floatKernels = {
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
  Abs: unaryMath,
  Sqrt: unaryMath,
  Reciprocal: unaryMath,
  Floor: unaryMath,
  Ceil: unaryMath,
  Round: unaryMath,
  Sign: unaryMath,
  Erf: unaryMath,
  Sin: unaryMath,
  Cos: unaryMath,
  Elu: unaryMath,
  Selu: unaryMath,
  Celu: unaryMath,
  Softplus: unaryMath,
  Softsign: unaryMath,
  ThresholdedRelu: unaryMath,
  Mish: unaryMath,
  Gelu: unaryMath,
  ReduceMean: reduceMean,
  ReduceMax: reduceMax,
  ReduceSum: reduceSum,
  ReduceMin: reduceMath,
  ReduceProd: reduceMath,
  ReduceL1: reduceMath,
  ReduceL2: reduceMath,
  ReduceSumSquare: reduceMath,
  ReduceLogSumExp: reduceMath,
  ArgMax: argReduce,
  ArgMin: argReduce,
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
} satisfies Record<OpType, Kernel>;
