// Top-1 accuracy of a float IR graph on a dataset, computed with tfjs (much faster than the reference interpreter).
import { tf } from './tf.ts';
import type { Dataset } from '../data/dataset.ts';
import type { Graph } from '../ir/graph.ts';
import { initBackend } from './backend.ts';
import { fitToInput, makeBatch } from './batches.ts';
import { toTfjs, type TfjsModel } from './to-tfjs.ts';

export interface EvalResult {
  samples: number;
  correct: number;
  top1: number;
}

/** Evaluates `g` (or an already-built model) on every sample of `ds`, preprocessing with the graph's metadata. */
export async function evaluate(g: Graph | TfjsModel, ds: Dataset, opts: { batchSize?: number } = {}): Promise<EvalResult> {
  await initBackend();
  const model = 'forward' in g ? g : toTfjs(g);
  const graph = model.graph;
  const batchSize = opts.batchSize ?? 500;
  let correct = 0;
  try {
    for (let start = 0; start < ds.size; start += batchSize) {
      const idx = Array.from({ length: Math.min(batchSize, ds.size - start) }, (_, i) => start + i);
      correct += tf.tidy(() => {
        const b = makeBatch(ds, idx, graph.metadata.preprocess);
        const out = model.forward({ [graph.inputs[0]!]: fitToInput(b.x, graph.tensors[graph.inputs[0]!]!.shape) })[graph.outputs[0]!]!;
        const pred = tf.argMax(tf.reshape(out, [idx.length, -1]), 1);
        return tf.sum(tf.cast(tf.equal(pred, b.labels), 'int32')).dataSync()[0]!;
      });
    }
  } finally {
    if (!('forward' in g)) model.dispose();
  }
  return { samples: ds.size, correct, top1: ds.size ? correct / ds.size : 0 };
}
