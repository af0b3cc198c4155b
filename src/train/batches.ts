// Turns dataset samples into preprocessed tfjs batches (NHWC with the batch dimension first).
import { tf } from './tf.ts';
import type { Dataset } from '../data/dataset.ts';
import { applyPreprocess } from '../data/preprocess.ts';
import type { Preprocess } from '../ir/graph.ts';

export interface Batch {
  x: tf.Tensor;
  labels: tf.Tensor1D;
}

/** Samples `indices` of `ds` as one batch shaped [n, ...inputShape]. The caller disposes the tensors. */
export function makeBatch(ds: Dataset, indices: ArrayLike<number>, preprocess: Preprocess | undefined): Batch {
  const per = ds.inputShape.reduce((a, b) => a * b, 1);
  const channels = ds.inputShape[ds.inputShape.length - 1] ?? 1;
  const n = indices.length;
  const raw = new Float32Array(n * per);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = ds.get(indices[i]!);
    raw.set(s.x, i * per);
    labels[i] = s.label;
  }
  const x = applyPreprocess(raw, preprocess, channels);
  return { x: tf.tensor(x, [n, ...ds.inputShape]), labels: tf.tensor1d(labels, 'int32') };
}

/** Reshapes a batch to the graph input's rank (e.g. [n,28,28,1] → [n,784] for a graph whose input is [1,784]). */
export function fitToInput(x: tf.Tensor, irInputShape: number[]): tf.Tensor {
  const want = [x.shape[0]!, ...irInputShape.slice(1)];
  const same = want.length === x.rank && want.every((d, i) => d === x.shape[i]);
  return same ? x : tf.reshape(x, want);
}
