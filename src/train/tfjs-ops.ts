// Each IR op's differentiable tfjs forward, in one table typed over every op: a new op in graph.ts fails to compile
// until it has a row here (null: it cannot be trained, e.g. Quantize). to-tfjs.ts runs these for training, evaluation
// and fake-quantized (QAT) training alike. Weights arrive in the IR layout (Dense [out,in], Conv OHWI, depthwise
// [1,KH,KW,C·M]) so writing them back is a plain copy.
import { tf } from './tf.ts';
import type { Activation, Node, OpType, Pads, Tensor } from '../ir/graph.ts';
import { normalizeAxis } from '../ir/ops/op-def.ts';
import { signSte } from './ste.ts';
import { mirrorIndex } from '../reference/strided-view.ts';
import { linearTable, nearestTable } from '../reference/resize-tables.ts';

/** What a forward needs besides the node and its input values. */
export interface TfjsOpContext {
  /** The node's first output tensor (its static shape). */
  out: Tensor;
  /** Batch size of this run, and the IR's static batch (Reshape keeps the run-time batch where the IR has its own). */
  batch: number;
  irBatch: number | undefined;
  /** BatchNormalization uses batch statistics and updates its running mean/var (`momentum`). */
  training: boolean;
  bnMomentum: number;
  /** The variable behind a constant input (BatchNormalization's running statistics are updated in place). */
  variable(name: string): tf.Variable;
}

export type TfjsOp<K extends OpType> = (n: Node<K>, xs: (tf.Tensor | undefined)[], c: TfjsOpContext) => tf.Tensor;

const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/** x with `axis` replaced by its elements at `indices` (differentiable; how Slice and reflect/edge Pad train). */
const take = (x: tf.Tensor, indices: number[], axis: number) => tf.gather(x, tf.tensor1d(indices, 'int32'), axis);

/** The IR shape with the run-time batch in place of the IR's static one. */
const runShape = (shape: readonly number[], c: TfjsOpContext) => shape.map((d, i) => (i === 0 && d === c.irBatch ? c.batch : d));

/** ArgMax / ArgMin as int32 indices (not differentiable): the minimum is the maximum of −x with the same ties, and
 *  the last tie is the first one along the reversed axis. */
function argReduce(n: Node<'ArgMax' | 'ArgMin'>, x: tf.Tensor, c: TfjsOpContext): tf.Tensor {
  const { axis, selectLastIndex } = n.attrs;
  const signed = n.op === 'ArgMin' ? tf.neg(x) : x;
  const first = tf.argMax(selectLastIndex ? tf.reverse(signed, axis) : signed, axis);
  const index = selectLastIndex ? tf.sub(tf.scalar(x.shape[axis] - 1, 'int32'), first) : first;
  return tf.reshape(index, runShape(c.out.shape, c));
}

function activate(x: tf.Tensor, a: Activation): tf.Tensor {
  if (a === 'relu') return tf.relu(x);
  if (a === 'relu6') return tf.relu6(x);
  return x;
}

const tfPads = (p: Pads): [[number, number], [number, number], [number, number], [number, number]] => [
  [0, 0],
  [p[0], p[2]],
  [p[1], p[3]],
  [0, 0],
];
const hasPads = (p: Pads) => p.some((v) => v !== 0);
const withBias = (y: tf.Tensor, b: tf.Tensor | undefined) => (b ? tf.add(y, b) : y);

export const tfjsOps = {
  Dense: (n, xs) => {
    const x = xs[0]!;
    const xin = n.attrs.binarizeInput ? signSte(x) : x; // XNOR layers: sign with the hard-tanh straight-through gradient
    const y = tf.matMul(tf.reshape(xin, [xin.shape[0]!, -1]), xs[1]!, false, true);
    return activate(withBias(y, xs[2]), n.attrs.activation);
  },
  Conv2D: (n, xs) => {
    const a = n.attrs;
    const w = tf.transpose(xs[1]!, [1, 2, 3, 0]) as tf.Tensor4D; // OHWI → HWIO
    const xin = a.binarizeInput ? signSte(xs[0]!) : xs[0]!; // XNOR layers (padding stays 0: tf pads after the sign)
    const y = tf.conv2d(xin as tf.Tensor4D, w, a.strides, hasPads(a.pads) ? tfPads(a.pads) : 'valid');
    return activate(withBias(y, xs[2]), a.activation);
  },
  DepthwiseConv2D: (n, xs) => {
    const a = n.attrs;
    const x = xs[0]!;
    const [, kh, kw] = xs[1]!.shape as number[];
    const w = tf.reshape(xs[1]!, [kh!, kw!, x.shape[3]!, a.multiplier]) as tf.Tensor4D; // channel index c·M+m
    const y = tf.depthwiseConv2d(x as tf.Tensor4D, w, a.strides, hasPads(a.pads) ? tfPads(a.pads) : 'valid');
    return activate(withBias(y, xs[2]), a.activation);
  },
  ConvTranspose: (n, xs, c) => {
    const a = n.attrs;
    const x = xs[0] as tf.Tensor4D;
    const [o, kh, kw] = xs[1]!.shape as number[];
    const w = tf.transpose(xs[1]!, [1, 2, 0, 3]) as tf.Tensor4D; // OHWI → [KH, KW, out, in]
    const full = [(x.shape[1] - 1) * a.strides[0] + kh!, (x.shape[2] - 1) * a.strides[1] + kw!];
    let y: tf.Tensor = tf.conv2dTranspose(x, w, [x.shape[0], full[0], full[1], o!], a.strides, 'valid');
    // The pads crop the full result; output padding reaches past it, where only the bias lands.
    const [, outH, outW] = c.out.shape;
    const past = [Math.max(0, a.pads[0] + outH - full[0]), Math.max(0, a.pads[1] + outW - full[1])];
    if (past[0] || past[1])
      y = tf.pad(y, [
        [0, 0],
        [0, past[0]],
        [0, past[1]],
        [0, 0],
      ]);
    y = tf.slice(y, [0, a.pads[0], a.pads[1], 0], [-1, outH, outW, -1]);
    return activate(withBias(y, xs[2]), a.activation);
  },
  MaxPool: (n, xs) => {
    const a = n.attrs;
    const padded = hasPads(a.pads) ? tf.pad(xs[0]!, tfPads(a.pads), -3.4e38) : xs[0]!;
    return activate(tf.maxPool(padded as tf.Tensor4D, a.kernel, a.strides, 'valid'), a.activation);
  },
  AveragePool: (n, xs) => {
    const a = n.attrs;
    const x = xs[0]!;
    if (!hasPads(a.pads)) return activate(tf.avgPool(x as tf.Tensor4D, a.kernel, a.strides, 'valid'), a.activation);
    const sum = tf.avgPool(tf.pad(x, tfPads(a.pads)) as tf.Tensor4D, a.kernel, a.strides, 'valid');
    if (a.countIncludePad) return activate(sum, a.activation);
    // Divide by the number of real (unpadded) elements in each window, as TFLite does.
    const ones = tf.pad(tf.onesLike(tf.slice(x, [0, 0, 0, 0], [1, -1, -1, 1])), tfPads(a.pads));
    const frac = tf.avgPool(ones as tf.Tensor4D, a.kernel, a.strides, 'valid');
    return activate(tf.div(sum, frac), a.activation);
  },
  GlobalAveragePool: (_n, xs) => tf.mean(xs[0]!, [1, 2], true),
  Add: (n, xs) => activate(tf.add(xs[0]!, xs[1]!), n.attrs.activation),
  Sub: (n, xs) => activate(tf.sub(xs[0]!, xs[1]!), n.attrs.activation),
  Mul: (n, xs) => activate(tf.mul(xs[0]!, xs[1]!), n.attrs.activation),
  Div: (_n, xs) => tf.div(xs[0]!, xs[1]!),
  Min: (_n, xs) => tf.minimum(xs[0]!, xs[1]!),
  Max: (_n, xs) => tf.maximum(xs[0]!, xs[1]!),
  Pow: (_n, xs) => tf.pow(xs[0]!, xs[1]!),
  Concat: (n, xs) => tf.concat(xs as tf.Tensor[], norm(n.attrs.axis, xs[0]!.rank)),
  Relu: (_n, xs) => tf.relu(xs[0]!),
  Clip: (n, xs) => tf.clipByValue(xs[0]!, n.attrs.min, n.attrs.max),
  LeakyRelu: (n, xs) => tf.leakyRelu(xs[0]!, n.attrs.alpha),
  Sigmoid: (_n, xs) => tf.sigmoid(xs[0]!),
  Tanh: (_n, xs) => tf.tanh(xs[0]!),
  HardSwish: (_n, xs) => tf.div(tf.mul(xs[0]!, tf.relu6(tf.add(xs[0]!, 3))), 6),
  HardSigmoid: (n, xs) => tf.clipByValue(tf.add(tf.mul(xs[0]!, n.attrs.alpha), n.attrs.beta), 0, 1),
  PRelu: (_n, xs) => tf.prelu(xs[0]!, xs[1]!),
  Exp: (_n, xs) => tf.exp(xs[0]!),
  Log: (_n, xs) => tf.log(xs[0]!),
  Abs: (_n, xs) => tf.abs(xs[0]!),
  Sqrt: (_n, xs) => tf.sqrt(xs[0]!),
  Reciprocal: (_n, xs) => tf.reciprocal(xs[0]!),
  Floor: (_n, xs) => tf.floor(xs[0]!),
  Ceil: (_n, xs) => tf.ceil(xs[0]!),
  Round: (_n, xs) => tf.round(xs[0]!),
  Sign: (_n, xs) => tf.sign(xs[0]!),
  Erf: (_n, xs) => tf.erf(xs[0]!),
  Sin: (_n, xs) => tf.sin(xs[0]!),
  Cos: (_n, xs) => tf.cos(xs[0]!),
  // The e^x branches see min(x, 0), so a large positive x gives no ∞ (and no NaN gradient through the unused branch).
  Elu: (n, xs) => tf.add(tf.relu(xs[0]!), tf.mul(n.attrs.alpha, tf.expm1(tf.minimum(xs[0]!, 0)))),
  Selu: (n, xs) => tf.mul(n.attrs.gamma, tf.add(tf.relu(xs[0]!), tf.mul(n.attrs.alpha, tf.expm1(tf.minimum(xs[0]!, 0))))),
  Celu: (n, xs) => tf.add(tf.relu(xs[0]!), tf.mul(n.attrs.alpha, tf.expm1(tf.div(tf.minimum(xs[0]!, 0), n.attrs.alpha)))),
  Softplus: (_n, xs) => tf.softplus(xs[0]!),
  Softsign: (_n, xs) => tf.div(xs[0]!, tf.add(1, tf.abs(xs[0]!))),
  ThresholdedRelu: (n, xs) => tf.mul(xs[0]!, tf.cast(tf.greater(xs[0]!, n.attrs.alpha), 'float32')),
  Mish: (_n, xs) => tf.mul(xs[0]!, tf.tanh(tf.softplus(xs[0]!))),
  Gelu: (n, xs) => {
    const x = xs[0]!;
    const inner =
      n.attrs.approximate === 'tanh'
        ? tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))
        : tf.erf(tf.div(x, Math.SQRT2));
    return tf.mul(tf.mul(0.5, x), tf.add(1, inner));
  },
  ReduceMean: (n, xs) => tf.mean(xs[0]!, n.attrs.axes, n.attrs.keepdims),
  ReduceMax: (n, xs) => tf.max(xs[0]!, n.attrs.axes, n.attrs.keepdims),
  ReduceSum: (n, xs) => tf.sum(xs[0]!, n.attrs.axes, n.attrs.keepdims),
  ReduceMin: (n, xs) => tf.min(xs[0]!, n.attrs.axes, n.attrs.keepdims),
  ReduceProd: (n, xs) => tf.prod(xs[0]!, n.attrs.axes, n.attrs.keepdims),
  ReduceL1: (n, xs) => tf.sum(tf.abs(xs[0]!), n.attrs.axes, n.attrs.keepdims),
  ReduceL2: (n, xs) => tf.sqrt(tf.sum(tf.square(xs[0]!), n.attrs.axes, n.attrs.keepdims)),
  ReduceSumSquare: (n, xs) => tf.sum(tf.square(xs[0]!), n.attrs.axes, n.attrs.keepdims),
  ReduceLogSumExp: (n, xs) => tf.logSumExp(xs[0]!, n.attrs.axes, n.attrs.keepdims),
  ArgMax: (n, xs, c) => argReduce(n, xs[0]!, c),
  ArgMin: (n, xs, c) => argReduce(n, xs[0]!, c),
  LogSoftmax: (n, xs) => {
    const x = xs[0]!;
    const axis = norm(n.attrs.axis, x.rank);
    return tf.sub(x, tf.logSumExp(x, axis, true));
  },
  Softmax: (n, xs) => {
    const x = xs[0]!;
    const axis = norm(n.attrs.axis, x.rank);
    const scaled = n.attrs.beta === 1 ? x : tf.mul(x, n.attrs.beta);
    if (axis === x.rank - 1) return tf.softmax(scaled);
    const perm = [...Array(x.rank).keys()];
    [perm[axis], perm[x.rank - 1]] = [perm[x.rank - 1]!, perm[axis]!];
    return tf.transpose(tf.softmax(tf.transpose(scaled, perm)), perm);
  },
  Reshape: (_n, xs, c) => {
    // The IR has a static batch; keep the leading dim as the run-time batch when it is the batch.
    const shape = [...c.out.shape];
    if (shape[0] === c.irBatch) shape[0] = c.batch;
    return tf.reshape(xs[0]!, shape);
  },
  Transpose: (n, xs) => tf.transpose(xs[0]!, n.attrs.perm),
  Pad: (n, xs) => {
    const x = xs[0]!;
    const r = x.rank;
    const p = n.attrs.pads;
    const mode = n.attrs.mode ?? 'constant';
    if (mode !== 'constant') {
      let y = x;
      for (let d = 0; d < r; d++) {
        const size = x.shape[d]!;
        const count = size + p[d]! + p[d + r]!;
        if (count !== size)
          y = take(
            y,
            Array.from({ length: count }, (_, i) => mirrorIndex(mode, i, p[d]!, size)),
            d,
          );
      }
      return y;
    }
    return tf.pad(
      x,
      [...Array(r).keys()].map((i) => [p[i]!, p[i + r]!] as [number, number]),
      n.attrs.value,
    );
  },
  Slice: (n, xs, c) => {
    const { starts, steps } = n.attrs;
    let x = xs[0]!;
    starts.forEach((start, d) => {
      const count = c.out.shape[d]!;
      const wholeBatch = d === 0 && count === c.irBatch; // the run-time batch stands in for the IR's
      if (start === 0 && steps[d] === 1 && (count === x.shape[d] || wholeBatch)) return;
      x = take(
        x,
        Array.from({ length: count }, (_, k) => start + k * steps[d]!),
        d,
      );
    });
    return x;
  },
  Gather: (n, xs, c) => tf.reshape(take(xs[0]!, n.attrs.indices, norm(n.attrs.axis, xs[0]!.rank)), runShape(c.out.shape, c)),
  Expand: (_n, xs, c) => tf.broadcastTo(xs[0]!, runShape(c.out.shape, c)),
  Resize: (n, xs) => {
    const a = n.attrs;
    const x = xs[0]!;
    const [, h, w] = x.shape as number[];
    if (a.mode === 'nearest')
      return take(
        take(x, Array.from(nearestTable(h, a.size[0], a.scales[0], a)), 1),
        Array.from(nearestTable(w, a.size[1], a.scales[1], a)),
        2,
      );
    // Bilinear as two weighted gathers: along H, then along W (the same tables as the reference).
    const blend = (t: tf.Tensor, table: ReturnType<typeof linearTable>, axis: number) => {
      const lo = Array.from(table.index.filter((_, i) => i % 2 === 0));
      const hi = Array.from(table.index.filter((_, i) => i % 2 === 1));
      const shape = axis === 1 ? [1, lo.length, 1, 1] : [1, 1, lo.length, 1];
      const wLo = tf.tensor(Array.from(table.weight.filter((_, i) => i % 2 === 0)), shape);
      const wHi = tf.tensor(Array.from(table.weight.filter((_, i) => i % 2 === 1)), shape);
      return tf.add(tf.mul(take(t, lo, axis), wLo), tf.mul(take(t, hi, axis), wHi));
    };
    return blend(blend(x, linearTable(h, a.size[0], a.scales[0], a), 1), linearTable(w, a.size[1], a.scales[1], a), 2);
  },
  ChannelShuffle: (n, xs) => {
    const x = xs[0]!;
    const shape = x.shape as number[];
    const channels = shape[shape.length - 1]!;
    const g = n.attrs.groups;
    const lead = shape.slice(0, -1);
    const grouped = tf.reshape(x, [...lead, g, channels / g]);
    const perm = [...lead.keys(), lead.length + 1, lead.length];
    return tf.reshape(tf.transpose(grouped, perm), shape);
  },
  BatchNormalization: (n, xs, c) => {
    const x = xs[0]!;
    const [scale, bias, mean, variance] = xs.slice(1) as tf.Tensor[];
    if (!c.training) return tf.batchNorm(x, mean!, variance!, bias, scale, n.attrs.epsilon);
    const m = tf.moments(x, [...Array(x.rank - 1).keys()]);
    const mom = c.bnMomentum;
    // Running statistics are state, not parameters: update them outside the gradient.
    const meanVar = c.variable(n.inputs[3]!);
    const varVar = c.variable(n.inputs[4]!);
    tf.tidy(() => {
      meanVar.assign(tf.add(tf.mul(meanVar, mom), tf.mul(m.mean, 1 - mom)));
      varVar.assign(tf.add(tf.mul(varVar, mom), tf.mul(m.variance, 1 - mom)));
    });
    return tf.batchNorm(x, m.mean, m.variance, bias, scale, n.attrs.epsilon);
  },
  LayerNormalization: (n, xs) => {
    const x = xs[0]!;
    const first = normalizeAxis(n.attrs.axis, x.rank)!;
    const { mean, variance } = tf.moments(
      x,
      [...Array(x.rank - first).keys()].map((i) => first + i),
      true,
    );
    const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, n.attrs.epsilon)));
    const scaled = tf.mul(normed, xs[1]!);
    return xs[2] ? tf.add(scaled, xs[2]) : scaled;
  },
  InstanceNormalization: (n, xs) => {
    const x = xs[0]!;
    const { mean, variance } = tf.moments(
      x,
      [...Array(x.rank - 2).keys()].map((i) => i + 1),
      true,
    );
    const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, n.attrs.epsilon)));
    return tf.add(tf.mul(normed, xs[1]!), xs[2]!);
  },
  GRU: null,
  LSTM: null,
  Quantize: null,
  Dequantize: null,
} satisfies { [K in OpType]: TfjsOp<K> | null };

/** The ops tfjs can run and differentiate. */
export const TRAINABLE_OPS = (Object.keys(tfjsOps) as OpType[]).filter((op) => tfjsOps[op] !== null);

/** The forward of `n`'s op, or undefined when the op cannot be trained. */
export function tfjsOpOf(n: Node): TfjsOp<OpType> | undefined {
  return (tfjsOps[n.op] as TfjsOp<OpType> | null) ?? undefined;
}
