// The op → emitter and op → scratch rule registries; `satisfies Record<OpType, …>` makes a missing op a compile error here.
import type { Node, OpType } from '../../ir/graph.ts';
import type { InPlaceRule, KernelChoices, OpEmitter, ScratchRule } from '../op-emitter.ts';
import { add } from './add.ts';
import { argReduce } from './arg-reduce.ts';
import { averagePool } from './average-pool.ts';
import { batchNormalization } from './batch-normalization.ts';
import { layerNormalization } from './layer-normalization.ts';
import { instanceNormalization } from './instance-normalization.ts';
import { clip } from './clip.ts';
import { concat } from './concat.ts';
import { conv2d, conv2dChoices, conv2dInPlace, conv2dScratch } from './conv2d.ts';
import { dense, denseChoices, denseScratch } from './dense.ts';
import { depthwiseConv2d, depthwiseConv2dInPlace, depthwiseConv2dScratch } from './depthwise-conv2d.ts';
import { dequantize } from './dequantize.ts';
import { div } from './div.ts';
import { max, min, pow } from './min-max-pow.ts';
import { globalAveragePool } from './global-average-pool.ts';
import { hardSigmoid } from './hard-sigmoid.ts';
import { leakyRelu } from './leaky-relu.ts';
import {
  abs,
  ceil,
  celu,
  cos,
  elu,
  erf,
  exp,
  floor,
  gelu,
  hardSwish,
  log,
  mish,
  reciprocal,
  round,
  selu,
  sigmoid,
  sign,
  sin,
  softplus,
  softsign,
  sqrt,
  tanh,
  thresholdedRelu,
} from './lut.ts';
import { maxPool } from './max-pool.ts';
import { mul } from './mul.ts';
import { pad } from './pad.ts';
import { stridedCopy } from './strided-copy.ts';
import { gather } from './gather.ts';
import { prelu } from './prelu.ts';
import { quantize } from './quantize.ts';
import { gru, lstm, recurrentScratch } from './recurrent.ts';
import { gruStep, lstmStep, recurrentStepScratch } from './recurrent-step.ts';
import { reduce } from './reduce.ts';
import { relu } from './relu.ts';
import { reshape } from './reshape.ts';
import { logSoftmax, softmax } from './softmax.ts';
import { sub } from './sub.ts';
import { transpose } from './transpose.ts';
import { resize } from './resize.ts';
import { convTranspose } from './conv-transpose.ts';

export const opEmitters = {
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
  ReduceMean: reduce,
  ReduceMax: reduce,
  ReduceSum: reduce,
  ReduceMin: reduce,
  ReduceProd: reduce,
  ReduceL1: reduce,
  ReduceL2: reduce,
  ReduceSumSquare: reduce,
  ReduceLogSumExp: reduce,
  ArgMax: argReduce,
  ArgMin: argReduce,
  Softmax: softmax,
  LogSoftmax: logSoftmax,
  Reshape: reshape,
  Transpose: transpose,
  Pad: pad,
  Slice: stridedCopy,
  Gather: gather,
  Expand: stridedCopy,
  ChannelShuffle: stridedCopy,
  Resize: resize,
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
  InstanceNormalization: instanceNormalization,
  GRU: gru,
  LSTM: lstm,
  Quantize: quantize,
  Dequantize: dequantize,
} satisfies { [K in OpType]: OpEmitter<Node<K>> };

/** The emitter of a node's op, typed for any node. */
export function emitterFor(op: OpType): OpEmitter {
  return opEmitters[op] as OpEmitter;
}

/** Each op's scratch rule (null: no kernel of the op takes scratch), asked before the memory planner runs. */
export const opScratch = {
  Dense: denseScratch,
  Conv2D: conv2dScratch,
  DepthwiseConv2D: depthwiseConv2dScratch,
  ConvTranspose: null,
  MaxPool: null,
  AveragePool: null,
  GlobalAveragePool: null,
  Add: null,
  Sub: null,
  Mul: null,
  Div: null,
  Min: null,
  Max: null,
  Pow: null,
  Concat: null,
  Relu: null,
  Clip: null,
  LeakyRelu: null,
  Sigmoid: null,
  Tanh: null,
  HardSwish: null,
  HardSigmoid: null,
  PRelu: null,
  Exp: null,
  Log: null,
  Abs: null,
  Sqrt: null,
  Reciprocal: null,
  Floor: null,
  Ceil: null,
  Round: null,
  Sign: null,
  Erf: null,
  Sin: null,
  Cos: null,
  Elu: null,
  Selu: null,
  Celu: null,
  Softplus: null,
  Softsign: null,
  ThresholdedRelu: null,
  Mish: null,
  Gelu: null,
  ReduceMean: null,
  ReduceMax: null,
  ReduceSum: null,
  ReduceMin: null,
  ReduceProd: null,
  ReduceL1: null,
  ReduceL2: null,
  ReduceSumSquare: null,
  ReduceLogSumExp: null,
  ArgMax: null,
  ArgMin: null,
  Softmax: null,
  LogSoftmax: null,
  Reshape: null,
  Transpose: null,
  Pad: null,
  Slice: null,
  Gather: null,
  Expand: null,
  ChannelShuffle: null,
  Resize: null,
  BatchNormalization: null,
  LayerNormalization: null,
  InstanceNormalization: null,
  GRU: recurrentScratch,
  LSTM: recurrentScratch,
  Quantize: null,
  Dequantize: null,
} satisfies { [K in OpType]: ScratchRule<Node<K>> | null };

/** Ops some of whose kernels may write over a same-sized input although OpFacts.inPlace cannot say so for every
 *  kernel of the op: the rule says for one node. */
export const opKernelInPlace: { [K in OpType]?: InPlaceRule<Node<K>> } = {
  Conv2D: conv2dInPlace,
  DepthwiseConv2D: depthwiseConv2dInPlace,
};

/** The in-place rule of a node's op, typed for any node (undefined: only OpFacts.inPlace decides). */
export function kernelInPlaceRuleFor(op: OpType): InPlaceRule | undefined {
  return opKernelInPlace[op] as InPlaceRule | undefined;
}

/** Ops with more than one kernel for some nodes under one kernel set: the choices `--tune` times. */
export const opKernelChoices: { [K in OpType]?: KernelChoices<Node<K>> } = {
  Conv2D: conv2dChoices,
  Dense: denseChoices,
};

/** The kernel choices rule of a node's op, typed for any node (undefined: one kernel per set). */
export function kernelChoicesFor(op: OpType): KernelChoices | undefined {
  return opKernelChoices[op] as KernelChoices | undefined;
}

/** The scratch rule of a node's op, typed for any node (null when its kernels take none). */
export function scratchRuleFor(op: OpType): ScratchRule | null {
  return opScratch[op] as ScratchRule | null;
}

/** The streaming form (`compile --stream`): ops whose kernels keep state between calls, with their step emitter and its
 *  scratch rule; every other op is emitted as usual on the one-step graph. */
const streamOps: { [K in OpType]?: { emit: OpEmitter<Node<K>>; scratch: ScratchRule<Node<K>> | null } } = {
  GRU: { emit: gruStep, scratch: recurrentStepScratch },
  LSTM: { emit: lstmStep, scratch: recurrentStepScratch },
};

/** The emitter and scratch rule of a node's op in the streaming form. */
export function streamEmitterFor(op: OpType): { emit: OpEmitter; scratch: ScratchRule | null } {
  const own = streamOps[op] as { emit: OpEmitter; scratch: ScratchRule | null } | undefined;
  return own ?? { emit: emitterFor(op), scratch: scratchRuleFor(op) };
}
