// Turns a float IR graph into a differentiable tfjs forward function whose weights are tf.Variables in IR layout.
// Weights stay in the IR layout (Dense [out,in], Conv OHWI, depthwise [1,KH,KW,C·M]) so writing back is a plain copy.
import { tf } from './tf.ts';
import { TinyforgeError } from '../diagnostics.ts';
import type { Activation, Graph, Node, Pads, Tensor } from '../ir/graph.ts';
import { signSte } from './ste.ts';

/** The ops the bridge can run and differentiate. */
export const TRAINABLE_OPS = [
  'Dense', 'Conv2D', 'DepthwiseConv2D', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'Add', 'Sub', 'Mul', 'Div',
  'Concat', 'Relu', 'Clip', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Softmax', 'Reshape', 'Transpose', 'Pad', 'BatchNormalization',
] as const;

export interface ForwardOptions {
  /** BatchNormalization uses batch statistics and updates its running mean/var (momentum below). */
  training?: boolean;
  /** Running-statistics momentum (Keras convention: new = m·old + (1−m)·batch). */
  bnMomentum?: number;
}

export interface TfjsModel {
  graph: Graph;
  /** One variable per constant tensor of the graph (weights, biases, BN parameters), keyed by tensor name. */
  variables: Map<string, tf.Variable>;
  /** Variables the optimizer updates (BN running mean/var are excluded). */
  trainable: tf.Variable[];
  /** Masks (1 = kept) of pruned weights; the forward pass multiplies the weight by its mask. */
  masks: Map<string, tf.Tensor>;
  /** Runs the graph on a batch (inputs keyed by graph input name; the batch dimension may differ from the IR's).
   *  Returns every requested tensor (default: the graph outputs). */
  forward(inputs: Record<string, tf.Tensor>, want?: string[], opts?: ForwardOptions): Record<string, tf.Tensor>;
  dispose(): void;
}

const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

function activate(x: tf.Tensor, a: Activation): tf.Tensor {
  if (a === 'relu') return tf.relu(x);
  if (a === 'relu6') return tf.relu6(x);
  return x;
}

const tfPads = (p: Pads): [[number, number], [number, number], [number, number], [number, number]] =>
  [[0, 0], [p[0], p[2]], [p[1], p[3]], [0, 0]];
const hasPads = (p: Pads) => p.some((v) => v !== 0);

/** Names of constant inputs that BN keeps as running statistics (not trained by the optimizer). */
function runningStats(g: Graph): Set<string> {
  const s = new Set<string>();
  for (const n of g.nodes) if (n.op === 'BatchNormalization') { s.add(n.inputs[3]!); s.add(n.inputs[4]!); }
  return s;
}

/** Checks that every node can run in tfjs; one error lists every problem. */
function checkTrainable(g: Graph): void {
  const problems: string[] = [];
  for (const n of g.nodes) {
    if (!(TRAINABLE_OPS as readonly string[]).includes(n.op)) problems.push(`node "${n.name}" (${n.op}): op cannot be trained`);
    if (n.op === 'Conv2D' && n.attrs.groups !== 1) problems.push(`node "${n.name}" (Conv2D): groups=${n.attrs.groups} is not supported in training`);
    if ((n.op === 'Conv2D' || n.op === 'DepthwiseConv2D') && n.attrs.dilations.some((d) => d !== 1)) {
      problems.push(`node "${n.name}" (${n.op}): tfjs has no gradient for dilated convolutions`);
    }
  }
  for (const t of Object.values(g.tensors)) {
    if (t.dtype !== 'f32' && t.data && !(t.dtype === 'i32' && t.data.length === 0)) problems.push(`tensor "${t.name}" is ${t.dtype}: train the float graph, then quantize`);
  }
  if (problems.length) {
    throw new TinyforgeError('untrainable-graph', `${problems.length} problem(s) keep graph "${g.name}" from being trained`, {
      notes: problems,
      hint: 'train the float model before quantization; supported ops: ' + TRAINABLE_OPS.join(', '),
    });
  }
}

export function toTfjs(g: Graph): TfjsModel {
  checkTrainable(g);
  const stats = runningStats(g);
  const variables = new Map<string, tf.Variable>();
  const masks = new Map<string, tf.Tensor>();
  const trainable: tf.Variable[] = [];
  let uid = 0;
  for (const t of Object.values(g.tensors)) {
    if (!t.data) continue;
    // Unique variable names: tfjs keeps a global registry, and several models may live at once.
    const v = tf.variable(tf.tensor(t.data as Float32Array, t.shape, 'float32'), !stats.has(t.name), `tfg_${t.name}_${uid++}_${Math.random().toString(36).slice(2, 8)}`);
    variables.set(t.name, v);
    if (!stats.has(t.name)) trainable.push(v);
    if (t.mask) masks.set(t.name, tf.tensor(Float32Array.from(t.mask), t.shape, 'float32'));
  }

  const weight = (name: string): tf.Tensor => {
    const v = variables.get(name)!;
    const m = masks.get(name);
    return m ? tf.mul(v, m) : v;
  };

  function forward(inputs: Record<string, tf.Tensor>, want: string[] = g.outputs, opts: ForwardOptions = {}): Record<string, tf.Tensor> {
    const env = new Map<string, tf.Tensor>();
    for (const name of g.inputs) {
      const x = inputs[name];
      if (!x) throw new TinyforgeError('missing-input', `graph input "${name}" was not given`);
      env.set(name, x);
    }
    const get = (name: string): tf.Tensor => {
      const t = env.get(name) ?? (variables.has(name) ? weight(name) : undefined);
      if (!t) throw new TinyforgeError('missing-input', `tensor "${name}" has no value`);
      return t;
    };
    const batch = g.inputs.length ? env.get(g.inputs[0]!)!.shape[0]! : 1;
    const irBatch = g.inputs.length ? g.tensors[g.inputs[0]!]!.shape[0] : 1;
    for (const n of g.nodes) {
      const outs = run(n, n.inputs.map((i) => (i === '' ? undefined : get(i))), g.tensors[n.outputs[0]!]!, batch, irBatch, opts);
      env.set(n.outputs[0]!, outs);
    }
    const result: Record<string, tf.Tensor> = Object.create(null);
    for (const w of want) result[w] = get(w);
    return result;
  }

  function run(n: Node, xs: (tf.Tensor | undefined)[], out: Tensor, batch: number, irBatch: number | undefined, opts: ForwardOptions): tf.Tensor {
    const x = xs[0]!;
    switch (n.op) {
      case 'Dense': {
        const xin = n.attrs.binarizeInput ? signSte(x) : x; // XNOR layers: sign with the hard-tanh straight-through gradient
        const y = tf.matMul(tf.reshape(xin, [xin.shape[0]!, -1]), xs[1]!, false, true);
        return activate(xs[2] ? tf.add(y, xs[2]) : y, n.attrs.activation);
      }
      case 'Conv2D': {
        const a = n.attrs;
        const w = tf.transpose(xs[1]!, [1, 2, 3, 0]) as tf.Tensor4D; // OHWI → HWIO
        const xin = a.binarizeInput ? signSte(x) : x; // XNOR layers (padding stays 0: tf pads after the sign)
        const y = tf.conv2d(xin as tf.Tensor4D, w, a.strides, hasPads(a.pads) ? tfPads(a.pads) : 'valid');
        return activate(xs[2] ? tf.add(y, xs[2]) : y, a.activation);
      }
      case 'DepthwiseConv2D': {
        const a = n.attrs;
        const c = x.shape[3]!;
        const [, kh, kw] = xs[1]!.shape as number[];
        const w = tf.reshape(xs[1]!, [kh!, kw!, c, a.multiplier]) as tf.Tensor4D; // channel index c·M+m
        const y = tf.depthwiseConv2d(x as tf.Tensor4D, w, a.strides, hasPads(a.pads) ? tfPads(a.pads) : 'valid');
        return activate(xs[2] ? tf.add(y, xs[2]) : y, a.activation);
      }
      case 'MaxPool': {
        const a = n.attrs;
        const padded = hasPads(a.pads) ? tf.pad(x, tfPads(a.pads), -3.4e38) : x;
        return activate(tf.maxPool(padded as tf.Tensor4D, a.kernel, a.strides, 'valid'), a.activation);
      }
      case 'AveragePool': {
        const a = n.attrs;
        if (!hasPads(a.pads)) return activate(tf.avgPool(x as tf.Tensor4D, a.kernel, a.strides, 'valid'), a.activation);
        const sum = tf.avgPool(tf.pad(x, tfPads(a.pads)) as tf.Tensor4D, a.kernel, a.strides, 'valid');
        if (a.countIncludePad) return activate(sum, a.activation);
        // Divide by the number of real (unpadded) elements in each window, as TFLite does.
        const ones = tf.pad(tf.onesLike(tf.slice(x, [0, 0, 0, 0], [1, -1, -1, 1])), tfPads(a.pads));
        const frac = tf.avgPool(ones as tf.Tensor4D, a.kernel, a.strides, 'valid');
        return activate(tf.div(sum, frac), a.activation);
      }
      case 'GlobalAveragePool':
        return tf.mean(x, [1, 2], true);
      case 'Add': return activate(tf.add(x, xs[1]!), n.attrs.activation);
      case 'Sub': return activate(tf.sub(x, xs[1]!), n.attrs.activation);
      case 'Mul': return activate(tf.mul(x, xs[1]!), n.attrs.activation);
      case 'Div': return tf.div(x, xs[1]!);
      case 'Concat': return tf.concat(xs as tf.Tensor[], norm(n.attrs.axis, x.rank));
      case 'Relu': return tf.relu(x);
      case 'Clip': return tf.clipByValue(x, n.attrs.min, n.attrs.max);
      case 'LeakyRelu': return tf.leakyRelu(x, n.attrs.alpha);
      case 'Sigmoid': return tf.sigmoid(x);
      case 'Tanh': return tf.tanh(x);
      case 'Softmax': {
        const axis = norm(n.attrs.axis, x.rank);
        const scaled = n.attrs.beta === 1 ? x : tf.mul(x, n.attrs.beta);
        if (axis === x.rank - 1) return tf.softmax(scaled);
        const perm = [...Array(x.rank).keys()];
        [perm[axis], perm[x.rank - 1]] = [perm[x.rank - 1]!, perm[axis]!];
        return tf.transpose(tf.softmax(tf.transpose(scaled, perm)), perm);
      }
      case 'Reshape': {
        // The IR has a static batch; keep the leading dim as the run-time batch when it is the batch.
        const shape = [...out.shape];
        if (shape[0] === irBatch) shape[0] = batch;
        return tf.reshape(x, shape);
      }
      case 'Transpose': return tf.transpose(x, n.attrs.perm);
      case 'Pad': {
        const r = x.rank;
        const p = n.attrs.pads;
        return tf.pad(x, [...Array(r).keys()].map((i) => [p[i]!, p[i + r]!] as [number, number]), n.attrs.value);
      }
      case 'BatchNormalization': {
        const [scale, bias, mean, variance] = xs.slice(1) as tf.Tensor[];
        if (!opts.training) return tf.batchNorm(x, mean!, variance!, bias, scale, n.attrs.epsilon);
        const axes = [...Array(x.rank - 1).keys()];
        const m = tf.moments(x, axes);
        const mom = opts.bnMomentum ?? 0.99;
        // Running statistics are state, not parameters: update them outside the gradient.
        const meanVar = variables.get(n.inputs[3]!)!;
        const varVar = variables.get(n.inputs[4]!)!;
        tf.tidy(() => {
          meanVar.assign(tf.add(tf.mul(meanVar, mom), tf.mul(m.mean, 1 - mom)));
          varVar.assign(tf.add(tf.mul(varVar, mom), tf.mul(m.variance, 1 - mom)));
        });
        return tf.batchNorm(x, m.mean, m.variance, bias, scale, n.attrs.epsilon);
      }
      default:
        throw new TinyforgeError('untrainable-graph', `op ${n.op} cannot be trained`, { location: { node: n.name, op: n.op } });
    }
  }

  return {
    graph: g,
    variables,
    trainable,
    masks,
    forward,
    dispose() {
      for (const v of variables.values()) v.dispose();
      for (const m of masks.values()) m.dispose();
    },
  };
}
