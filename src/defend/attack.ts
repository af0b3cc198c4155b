// What every white-box attack shares: the differentiable target (tfjs model + input box), the loss gradient with
// respect to the input, the projection onto the ε-ball ∩ valid range, and batched crafting over a dataset.
import { tf } from '../train/tf.ts';
import type { Dataset } from '../data/dataset.ts';
import { applyPreprocess } from '../data/preprocess.ts';
import type { Graph } from '../ir/graph.ts';
import { crossEntropy } from '../train/losses.ts';
import { toTfjs, type TfjsModel } from '../train/to-tfjs.ts';
import { logitsTensor } from '../train/train.ts';
import type { InputDomain, Norm } from './input-domain.ts';

export interface AttackParams {
  /** Budget, in the model's preprocessed input space (L∞ or L2 by the attack's norm). */
  eps: number;
  /** Iterations (iterative attacks). */
  steps: number;
  /** Step size α per iteration; undefined = the attack's default (PGD: 2.5·ε/steps, as in Madry et al.). */
  stepSize?: number;
  /** Start from a random point of the ε-ball (PGD). */
  randomStart: boolean;
  /** Seeds the random start. */
  seed: number;
}

/** A float model ready to be attacked: its tfjs form, the logits tensor and the valid input box as tensors. */
export interface AttackTarget {
  model: TfjsModel;
  domain: InputDomain;
  logits: string;
  /** [channels] bounds, broadcast over the last axis. */
  lo: tf.Tensor1D;
  hi: tf.Tensor1D;
  dispose(): void;
}

/** A gradient-based attack. `craft` returns a new tensor of adversarial inputs shaped like `x` (tidy-safe). */
export interface WhiteBoxAttack {
  name: string;
  norm: Norm;
  description: string;
  craft(target: AttackTarget, x: tf.Tensor, labels: tf.Tensor1D, params: AttackParams): tf.Tensor;
}

/** Builds the tfjs target for a float graph (or reuses a model being trained). Dispose when done. */
export function attackTarget(g: Graph | TfjsModel, domain: InputDomain): AttackTarget {
  const owned = !('forward' in g);
  const model = 'forward' in g ? g : toTfjs(g);
  const lo = tf.tensor1d(domain.lo);
  const hi = tf.tensor1d(domain.hi);
  return {
    model,
    domain,
    logits: logitsTensor(model.graph),
    lo,
    hi,
    dispose() {
      lo.dispose();
      hi.dispose();
      if (owned) model.dispose();
    },
  };
}

/** Logits [n, K] of a batch. */
export function logitsOf(target: AttackTarget, x: tf.Tensor): tf.Tensor2D {
  const out = target.model.forward({ [target.domain.input]: x }, [target.logits])[target.logits]!;
  return tf.reshape(out, [x.shape[0]!, -1]);
}

/** ∇ₓ of the mean cross-entropy at x (the direction that most increases the loss of the true label). */
export function lossGradient(target: AttackTarget, x: tf.Tensor, labels: tf.Tensor1D): tf.Tensor {
  return tf.grad((xi: tf.Tensor) => crossEntropy(logitsOf(target, xi), labels))(x);
}

/** Clips to the valid input range (per channel, last axis). */
export function clipToDomain(target: AttackTarget, x: tf.Tensor): tf.Tensor {
  return tf.minimum(tf.maximum(x, target.lo), target.hi);
}

/** Projects x' onto {‖x' − x‖∞ ≤ ε} ∩ valid range. x itself lies in the range, so the intersection is never empty. */
export function projectLinf(target: AttackTarget, xAdv: tf.Tensor, x: tf.Tensor, eps: number): tf.Tensor {
  const low = tf.maximum(tf.sub(x, eps), target.lo);
  const high = tf.minimum(tf.add(x, eps), target.hi);
  return tf.minimum(tf.maximum(xAdv, low), high);
}

/** Per-sample L2 norm, shaped [n, 1, …] to broadcast against x. */
export function sampleNorm(d: tf.Tensor): tf.Tensor {
  const n = d.shape[0]!;
  const norms = tf.sqrt(tf.sum(tf.square(tf.reshape(d, [n, -1])), 1));
  return tf.reshape(norms, [n, ...new Array(d.rank - 1).fill(1)]);
}

/** Projects x' onto {‖x' − x‖₂ ≤ ε} ∩ valid range. Clipping to the box after scaling only moves coordinates toward x
 *  (x is inside the box), so it never leaves the ball. */
export function projectL2(target: AttackTarget, xAdv: tf.Tensor, x: tf.Tensor, eps: number): tf.Tensor {
  const d = tf.sub(xAdv, x);
  // 0.9999: keeps the float32 norm of the result at or under ε after rounding.
  const factor = tf.minimum(1, tf.div(eps * 0.9999, tf.add(sampleNorm(d), 1e-12)));
  return clipToDomain(target, tf.add(x, tf.mul(d, factor)));
}

/** Preprocessed inputs and labels of the first `n` samples of `ds`, flat (n × domain.size). */
export function preprocessedSamples(
  ds: Dataset,
  domain: InputDomain,
  preprocess: Graph['metadata']['preprocess'],
  n = ds.size,
): { x: Float32Array; labels: Int32Array } {
  const count = Math.min(n, ds.size);
  const raw = new Float32Array(count * domain.size);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const s = ds.get(i);
    raw.set(s.x, i * domain.size);
    labels[i] = s.label;
  }
  return { x: applyPreprocess(raw, preprocess, domain.channels), labels };
}

export interface CraftOptions {
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Runs `attack` over flat preprocessed samples in batches; returns the adversarial inputs (same layout) and how many
 *  of them the target still classifies correctly. */
export function craftBatched(
  target: AttackTarget,
  attack: WhiteBoxAttack,
  x: Float32Array,
  labels: Int32Array,
  params: AttackParams,
  opts: CraftOptions = {},
): { adv: Float32Array; stillCorrect: number } {
  const n = labels.length;
  const size = target.domain.size;
  const shape = target.domain.shape.slice(1);
  const batchSize = opts.batchSize ?? 200;
  const adv = new Float32Array(n * size);
  let stillCorrect = 0;
  for (let start = 0; start < n; start += batchSize) {
    const m = Math.min(batchSize, n - start);
    // Each batch gets its own seed so results do not depend on the batch size only through the RNG stream order.
    const p = { ...params, seed: params.seed + start };
    const [values, hits] = tf.tidy(() => {
      const xb = tf.tensor(x.subarray(start * size, (start + m) * size), [m, ...shape]);
      const yb = tf.tensor1d(labels.subarray(start, start + m), 'int32');
      const xa = attack.craft(target, xb, yb, p);
      const pred = tf.argMax(logitsOf(target, xa), 1);
      const hit = tf.sum(tf.cast(tf.equal(pred, yb), 'int32'));
      return [xa.dataSync() as Float32Array, hit.dataSync()[0]!] as const;
    });
    adv.set(values, start * size);
    stillCorrect += hits;
    opts.onProgress?.(start + m, n);
  }
  return { adv, stillCorrect };
}

/** Predicted class of each flat preprocessed sample under the target (batched, no gradients). */
export function predictBatched(target: AttackTarget, x: Float32Array, n: number, batchSize = 500): Int32Array {
  const size = target.domain.size;
  const shape = target.domain.shape.slice(1);
  const preds = new Int32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const m = Math.min(batchSize, n - start);
    const p = tf.tidy(() =>
      tf.argMax(logitsOf(target, tf.tensor(x.subarray(start * size, (start + m) * size), [m, ...shape])), 1).dataSync(),
    );
    preds.set(p as Int32Array, start);
  }
  return preds;
}
