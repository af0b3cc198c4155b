// The custom training loop: seeded shuffling, mini-batches, Adam or SGD, cross-entropy on logits, progress callbacks.
import { tf } from './tf.ts';
import { TinyforgeError } from '../diagnostics.ts';
import type { Dataset } from '../data/dataset.ts';
import type { Graph } from '../ir/graph.ts';
import { initBackend, type BackendName } from './backend.ts';
import { fitToInput, makeBatch } from './batches.ts';
import { fromTfjs } from './from-tfjs.ts';
import { crossEntropy } from './losses.ts';
import { makeRng, shuffledIndices } from './prng.ts';
import { toTfjs, type TfjsModel } from './to-tfjs.ts';

/** What a loss hook sees for one batch. `logits` are pre-softmax when the graph ends with Softmax. */
export interface LossContext {
  x: tf.Tensor;
  labels: tf.Tensor1D;
  logits: tf.Tensor;
  model: TfjsModel;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer?: 'adam' | 'sgd';
  /** Seeds the shuffle; same seed + same graph + same backend = same result. */
  seed?: number;
  /** 'cross-entropy' (default) or a custom loss (e.g. distillation) computed from the batch. */
  loss?: 'cross-entropy' | ((ctx: LossContext) => tf.Scalar);
  /** Added to the main loss (regularisers, distillation terms). */
  extraLoss?: (ctx: LossContext) => tf.Scalar;
  /** Replaces a batch's inputs before the step (data augmentation, adversarial examples). */
  transformBatch?: (x: tf.Tensor, labels: tf.Tensor1D, model: TfjsModel) => tf.Tensor;
  /** Learning rate multiplier applied after each epoch (1 = constant). */
  learningRateDecay?: number;
  /** Called after every batch with running means over the epoch so far. */
  onProgress?: (epoch: number, batch: number, loss: number, acc: number) => void;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  acc: number;
  seconds: number;
}

export interface TrainResult {
  graph: Graph;
  history: EpochRecord[];
  backend: BackendName;
}

/** The tensor holding logits: the input of a final Softmax, else the graph output itself. */
export function logitsTensor(g: Graph): string {
  const out = g.outputs[0]!;
  const producer = g.nodes.find((n) => n.outputs.includes(out));
  return producer?.op === 'Softmax' ? producer.inputs[0]! : out;
}

/** Trains a float graph on `ds`; returns a new graph with the trained weights (the input is not changed). */
export async function trainGraph(g: Graph, ds: Dataset, opts: TrainOptions): Promise<TrainResult> {
  if (g.inputs.length !== 1 || g.outputs.length < 1) {
    throw new TinyforgeError(
      'untrainable-graph',
      `training needs one input and an output; graph "${g.name}" has ${g.inputs.length} inputs and ${g.outputs.length} outputs`,
    );
  }
  if (!(opts.epochs >= 1 && opts.batchSize >= 1 && opts.learningRate > 0)) {
    throw new TinyforgeError(
      'bad-train-options',
      `epochs (${opts.epochs}) and batchSize (${opts.batchSize}) must be ≥ 1 and learningRate (${opts.learningRate}) > 0`,
    );
  }
  const backend = await initBackend();
  const model = toTfjs(g);
  const inputName = g.inputs[0]!;
  const inputShape = g.tensors[inputName]!.shape;
  const logitsName = logitsTensor(g);
  const rng = makeRng(opts.seed ?? 0);
  const optimizer = opts.optimizer === 'sgd' ? tf.train.sgd(opts.learningRate) : tf.train.adam(opts.learningRate);
  const history: EpochRecord[] = [];
  try {
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      const t0 = performance.now();
      const order = shuffledIndices(ds.size, rng);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      const batches = Math.ceil(ds.size / opts.batchSize);
      for (let b = 0; b < batches; b++) {
        const idx = order.subarray(b * opts.batchSize, Math.min(ds.size, (b + 1) * opts.batchSize));
        const [lossValue, hits] = tf.tidy(() => {
          const batch = makeBatch(ds, idx, g.metadata.preprocess);
          let x = fitToInput(batch.x, inputShape);
          if (opts.transformBatch) x = opts.transformBatch(x, batch.labels, model);
          let logits: tf.Tensor | undefined;
          const lossT = optimizer.minimize(
            () => {
              logits = model.forward({ [inputName]: x }, [logitsName], { training: true })[logitsName]!;
              // Kept past minimize's own tidy so accuracy can be read from it below.
              logits = tf.keep(tf.reshape(logits, [idx.length, -1]));
              const ctx: LossContext = { x, labels: batch.labels, logits, model };
              let l = typeof opts.loss === 'function' ? opts.loss(ctx) : crossEntropy(logits, batch.labels);
              if (opts.extraLoss) l = tf.add(l, opts.extraLoss(ctx));
              return l as tf.Scalar;
            },
            true,
            model.trainable,
          )!;
          const pred = tf.argMax(logits!, 1);
          const hit = tf.sum(tf.cast(tf.equal(pred, batch.labels), 'int32'));
          logits!.dispose();
          return [lossT.dataSync()[0]!, hit.dataSync()[0]!];
        });
        lossSum += lossValue * idx.length;
        correct += hits;
        seen += idx.length;
        opts.onProgress?.(epoch, b, lossSum / seen, correct / seen);
      }
      history.push({ epoch, loss: lossSum / seen, acc: correct / seen, seconds: (performance.now() - t0) / 1000 });
      if (opts.learningRateDecay !== undefined && opts.learningRateDecay !== 1) {
        // Optimizers read learningRate on every step; changing it keeps Adam's moment estimates.
        (optimizer as unknown as { learningRate: number }).learningRate *= opts.learningRateDecay;
      }
    }
    return { graph: fromTfjs(model), history, backend };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}
