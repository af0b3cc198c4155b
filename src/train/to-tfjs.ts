// Turns a float IR graph into a differentiable tfjs forward function whose weights are tf.Variables in IR layout, running
// each node with its op's forward from tfjs-ops.ts: the one forward for training, evaluation and fake-quantized QAT.
import { tf } from './tf.ts';
import { TinyforgeError } from '../diagnostics.ts';
import type { Graph } from '../ir/graph.ts';
import { TRAINABLE_OPS, tfjsOpOf } from './tfjs-ops.ts';

export interface ForwardOptions {
  /** BatchNormalization uses batch statistics and updates its running mean/var (momentum below). */
  training?: boolean;
  /** Running-statistics momentum (Keras convention: new = m·old + (1−m)·batch). */
  bnMomentum?: number;
  /** Applied to every graph input and node output as it is computed (QAT: fake quantization); later nodes read the
   *  result. */
  observe?: (tensor: string, value: tf.Tensor) => tf.Tensor;
  /** Stop once this tensor is computed (the nodes after it are not run). */
  until?: string;
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

/** Names of constant inputs that BN keeps as running statistics (not trained by the optimizer). */
function runningStats(g: Graph): Set<string> {
  const s = new Set<string>();
  for (const n of g.nodes)
    if (n.op === 'BatchNormalization') {
      s.add(n.inputs[3]!);
      s.add(n.inputs[4]!);
    }
  return s;
}

/** Checks that every node can run in tfjs; one error lists every problem. */
function checkTrainable(g: Graph): void {
  const problems: string[] = [];
  for (const n of g.nodes) {
    if (!tfjsOpOf(n)) problems.push(`node "${n.name}" (${n.op}): op cannot be trained`);
    if (n.op === 'Conv2D' && n.attrs.groups !== 1)
      problems.push(`node "${n.name}" (Conv2D): groups=${n.attrs.groups} is not supported in training`);
    if ((n.op === 'Conv2D' || n.op === 'DepthwiseConv2D') && n.attrs.dilations.some((d) => d !== 1)) {
      problems.push(`node "${n.name}" (${n.op}): tfjs has no gradient for dilated convolutions`);
    }
  }
  for (const t of Object.values(g.tensors)) {
    if (t.dtype !== 'f32' && t.data && !(t.dtype === 'i32' && t.data.length === 0))
      problems.push(`tensor "${t.name}" is ${t.dtype}: train the float graph, then quantize`);
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
    const v = tf.variable(
      tf.tensor(t.data as Float32Array, t.shape, 'float32'),
      !stats.has(t.name),
      `tfg_${t.name}_${uid++}_${Math.random().toString(36).slice(2, 8)}`,
    );
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
    const observe = opts.observe ?? ((_name: string, t: tf.Tensor) => t);
    for (const name of g.inputs) {
      const x = inputs[name];
      if (!x) throw new TinyforgeError('missing-input', `graph input "${name}" was not given`);
      env.set(name, observe(name, x));
    }
    const get = (name: string): tf.Tensor => {
      const t = env.get(name) ?? (variables.has(name) ? weight(name) : undefined);
      if (!t) throw new TinyforgeError('dangling-tensor', `tensor "${name}" has no value`);
      return t;
    };
    const context = {
      batch: g.inputs.length ? env.get(g.inputs[0]!)!.shape[0]! : 1,
      irBatch: g.inputs.length ? g.tensors[g.inputs[0]!]!.shape[0] : 1,
      training: opts.training ?? false,
      bnMomentum: opts.bnMomentum ?? 0.99,
      variable: (name: string) => variables.get(name)!,
    };
    for (const n of g.nodes) {
      const op = tfjsOpOf(n);
      if (!op) throw new TinyforgeError('untrainable-graph', `op ${n.op} cannot be trained`, { location: { node: n.name, op: n.op } });
      const out = n.outputs[0]!;
      env.set(
        out,
        observe(
          out,
          op(
            n,
            n.inputs.map((i) => (i === '' ? undefined : get(i))),
            { ...context, out: g.tensors[out]! },
          ),
        ),
      );
      if (out === opts.until) break;
    }
    const result: Record<string, tf.Tensor> = Object.create(null);
    for (const w of want) result[w] = get(w);
    return result;
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
