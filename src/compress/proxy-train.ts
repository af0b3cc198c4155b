// A training loop for passes whose deployed weights are a function of other parameters: cluster centroids (weight
// sharing), real-valued BinaryConnect weights, fake-quantized weights. Each step writes the forward weights into the
// model, takes the loss gradient at those weights, and hands it to the pass, which updates its own parameters;
// every other variable (biases, untouched layers) trains with Adam as usual.
import { tf } from '../train/tf.ts';
import type { Dataset } from '../data/dataset.ts';
import type { Graph } from '../ir/graph.ts';
import { shiftTransform } from '../train/augment.ts';
import { initBackend } from '../train/backend.ts';
import { fitToInput, makeBatch } from '../train/batches.ts';
import { fromTfjs } from '../train/from-tfjs.ts';
import { crossEntropy, distillationLoss } from '../train/losses.ts';
import { makeRng, shuffledIndices } from '../train/prng.ts';
import { makeTeachers } from '../train/teacher.ts';
import { logitsTensor } from '../train/train.ts';
import { toTfjs, type TfjsModel } from '../train/to-tfjs.ts';

export interface ProxyHooks {
  /** Weight tensors whose forward values the pass computes. */
  proxied: string[];
  /** Forward value of a proxied weight for this step (e.g. codebook[idx], sign(w)·α). */
  forwardWeights(name: string, step: number): Float32Array;
  /** dLoss/dWeight at the forward value, for the pass to update its parameters. */
  update(name: string, grad: Float32Array, step: number): void;
  /** Optional: replaces the forward (e.g. fake-quantized activations); default model.forward. */
  logits?(model: TfjsModel, x: tf.Tensor): tf.Tensor;
}

export interface ProxyTrainOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  /** Distillation (Hinton et al.): the loss mixes the teacher's softened outputs (weight alpha, ×T²) with the labels. */
  teacher?: { graph: Graph; alpha: number; temperature: number };
  /** Random ±shift-pixel translations of image inputs (0 or absent = none). */
  shift?: number;
  /** After each batch; `fraction` = batches done ÷ all batches of all epochs. */
  onProgress?: (epoch: number, batch: number, loss: number, fraction: number) => void;
}

/** Adam on a plain Float32Array (pass-owned parameters). */
export class ArrayAdam {
  private m: Float32Array;
  private v: Float32Array;
  private t = 0;
  constructor(
    n: number,
    private lr: number,
    private b1 = 0.9,
    private b2 = 0.999,
    private eps = 1e-7,
  ) {
    this.m = new Float32Array(n);
    this.v = new Float32Array(n);
  }
  step(params: Float32Array, grad: ArrayLike<number>): void {
    this.t++;
    const c1 = 1 - this.b1 ** this.t;
    const c2 = 1 - this.b2 ** this.t;
    for (let i = 0; i < params.length; i++) {
      this.m[i] = this.b1 * this.m[i] + (1 - this.b1) * grad[i];
      this.v[i] = this.b2 * this.v[i] + (1 - this.b2) * grad[i] * grad[i];
      params[i] -= (this.lr * (this.m[i] / c1)) / (Math.sqrt(this.v[i] / c2) + this.eps);
    }
  }
}

/** Trains `g` on `ds`; returns the graph with the final forward weights written into the proxied tensors. */
export async function proxyTrain(g: Graph, ds: Dataset, o: ProxyTrainOptions, hooks: ProxyHooks): Promise<Graph> {
  await initBackend();
  const model = toTfjs(g);
  const optimizer = tf.train.adam(o.lr);
  const inputName = g.inputs[0];
  const inputShape = g.tensors[inputName].shape;
  const logitsName = logitsTensor(g);
  const proxied = new Set(hooks.proxied);
  const nameOf = new Map<string, string>();
  for (const [name, v] of model.variables) nameOf.set(v.name, name);
  const rng = makeRng(o.seed);
  const teacher = o.teacher && o.teacher.alpha > 0 ? { ...o.teacher, models: makeTeachers([o.teacher.graph]) } : undefined;
  const augment = shiftTransform(g, o.shift, o.seed + 11);
  let step = 0;
  const setForward = () => {
    for (const name of hooks.proxied) {
      const v = model.variables.get(name)!;
      v.assign(tf.tensor(hooks.forwardWeights(name, step), v.shape, 'float32'));
    }
  };
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const order = shuffledIndices(ds.size, rng);
      const batches = Math.ceil(ds.size / o.batchSize);
      for (let b = 0; b < batches; b++) {
        const idx = order.subarray(b * o.batchSize, Math.min(ds.size, (b + 1) * o.batchSize));
        tf.tidy(setForward);
        const loss = tf.tidy(() => {
          const batch = makeBatch(ds, idx, g.metadata.preprocess);
          const fitted = fitToInput(batch.x, inputShape);
          const x = augment ? augment(fitted) : fitted;
          // Outside the gradient tape: the teacher is frozen, so its forward pass needs no recording.
          const soft = teacher?.models.logits(x, [idx.length, -1]);
          const { value, grads } = tf.variableGrads(() => {
            const logits = tf.reshape(
              hooks.logits ? hooks.logits(model, x) : model.forward({ [inputName]: x }, [logitsName], { training: true })[logitsName],
              [idx.length, -1],
            );
            return soft && teacher ? distillationLoss(logits, soft, batch.labels, teacher) : crossEntropy(logits, batch.labels);
          }, model.trainable);
          const normal: Record<string, tf.Tensor> = Object.create(null);
          for (const [varName, grad] of Object.entries(grads)) {
            const name = nameOf.get(varName)!;
            if (proxied.has(name)) hooks.update(name, grad.dataSync() as Float32Array, step);
            else normal[varName] = grad;
          }
          optimizer.applyGradients(normal as unknown as Parameters<typeof optimizer.applyGradients>[0]);
          return value.dataSync()[0];
        });
        o.onProgress?.(epoch, b, loss, (epoch * batches + b + 1) / (o.epochs * batches));
        step++;
      }
    }
    tf.tidy(setForward);
    return fromTfjs(model);
  } finally {
    optimizer.dispose();
    model.dispose();
    teacher?.models.dispose();
  }
}
