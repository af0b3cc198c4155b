// How much each output neuron / filter of a prunable group matters: L1 or L2 norm of its weights, or (activation)
// how often it is non-zero over calibration samples — the notes' "a neuron that is almost always 0 can go".
import type { tf as TF } from '../train/tf.ts';
import type { Graph, Node, TensorData } from '../ir/graph.ts';
import type { ChannelAnalysis } from './prune-channel-groups.ts';

export type ImportanceKind = 'l1' | 'l2' | 'activation';
export const IMPORTANCE_KINDS = ['l1', 'l2', 'activation'] as const;

/** L1 / L2 norm of each output row (Dense [out,in]) or filter (Conv OHWI) of `node`'s weights. */
export function rowNorms(g: Graph, node: Node, kind: 'l1' | 'l2'): Float64Array {
  const w = g.tensors[node.inputs[1]!]!;
  const rows = w.shape[0]!;
  const per = w.data!.length / rows;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let i = r * per; i < (r + 1) * per; i++) s += kind === 'l1' ? Math.abs(w.data![i]!) : w.data![i]! ** 2;
    out[r] = kind === 'l1' ? s : Math.sqrt(s);
  }
  return out;
}

/** Divides by the mean so coupled sources (joined by Add) weigh equally. */
function normalise(v: Float64Array): Float64Array {
  const mean = v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  return mean > 0 ? v.map((x) => x / mean) : v;
}

/** The tensor where a source's neurons are "zero or not": after its fused ReLU, or after the Relu/Clip that follows
 *  it (through BN / Add). Falls back to the raw output, where ≤ 0 counts as zero. */
function observedTensor(g: Graph, node: Node): string {
  let n: Node = node;
  for (let hop = 0; hop < 4; hop++) {
    const act = 'activation' in n.attrs ? n.attrs.activation : 'none';
    if (n.op === 'Relu' || n.op === 'Clip' || act === 'relu' || act === 'relu6') return n.outputs[0]!;
    const users = g.nodes.filter((m) => m.inputs.includes(n.outputs[0]!));
    if (users.length !== 1 || !['Relu', 'Clip', 'BatchNormalization', 'Add'].includes(users[0]!.op)) break;
    n = users[0]!;
  }
  return node.outputs[0]!;
}

/** Fraction of (sample, position) where each channel of `tensor` is ≤ 0, from a batch forward pass. */
function zeroFractions(tf: typeof TF, values: TF.Tensor): Float64Array {
  const c = values.shape.at(-1)!;
  const m = tf.tidy(() => tf.mean(tf.cast(tf.lessEqual(tf.reshape(values, [-1, c]), 0), 'float32'), 0));
  const out = Float64Array.from(m.dataSync());
  m.dispose();
  return out;
}

/** Importance scores (higher = keep) for every prunable root group, keyed by root id. `samples` are needed for
 *  'activation': graph-input records like PassData.calibration (float, preprocessed). */
export async function channelImportance(
  g: Graph,
  analysis: ChannelAnalysis,
  kind: ImportanceKind,
  samples: Record<string, TensorData>[] = [],
): Promise<Map<number, Float64Array>> {
  const scores = new Map<number, Float64Array>();
  const groups = analysis.prunable();
  const byName = new Map(g.nodes.map((n) => [n.name, n]));
  const l1 = (n: Node) => normalise(rowNorms(g, n, 'l1'));
  let acts: Map<string, Float64Array> | undefined;
  if (kind === 'activation' && samples.length > 0) {
    const { tf } = await import('../train/tf.ts');
    await (await import('../train/backend.ts')).initBackend();
    const model = (await import('../train/to-tfjs.ts')).toTfjs(g);
    try {
      const want = [...new Set(groups.flatMap((gr) => gr.sources.map((s) => observedTensor(g, byName.get(s)!))))];
      const input = g.inputs[0]!;
      const shape = g.tensors[input]!.shape;
      acts = new Map();
      tf.tidy(() => {
        const x = tf.tensor(Float32Array.from(samples.flatMap((s) => Array.from(s[input] as Float32Array))), [
          samples.length,
          ...shape.slice(1),
        ]);
        const out = model.forward({ [input]: x }, want);
        for (const t of want) acts!.set(t, zeroFractions(tf, out[t]!));
      });
    } finally {
      model.dispose();
    }
  }
  for (const gr of groups) {
    const s = new Float64Array(gr.size);
    for (const src of gr.sources) {
      const n = byName.get(src)!;
      const norms = kind === 'l2' ? normalise(rowNorms(g, n, 'l2')) : l1(n);
      const zero = acts?.get(observedTensor(g, n));
      for (let i = 0; i < gr.size; i++) {
        // Activation: 1 − zero fraction, with a small L1 term to order neurons that are never (or always) zero.
        s[i] += zero ? 1 - zero[i]! + 1e-3 * norms[i]! : norms[i]!;
      }
    }
    scores.set(gr.id, s);
  }
  return scores;
}

/** The `count` least important channel indices of one group (ties: lower index first). */
export function leastImportant(scores: Float64Array, count: number): number[] {
  return [...scores.keys()].sort((a, b) => scores[a]! - scores[b]! || a - b).slice(0, count);
}
