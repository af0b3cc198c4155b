// The data a compression's passes get: calibration inputs, the training split and the test split to measure on. It is
// one of the compression cache's roots (compression-cache.ts): what it and its imports do is part of every cache key.
import { join } from 'node:path';
import { isDir, type Dataset } from '../data/dataset.ts';
import type { Graph, TensorData } from '../ir/graph.ts';
import { sampleInput } from '../reference/model-input.ts';
import { loadDatasetFor, type DatasetFlags } from './dataset-options.ts';

/** Whether a dataset has a test split apart from its training samples: mnist, or a folder with train/ and test/. */
const hasTestSplit = (spec: string): boolean => spec === 'mnist' || (isDir(join(spec, 'train')) && isDir(join(spec, 'test')));

/** Calibration inputs (the first n training samples as the model takes them), the whole training split for passes
 *  that fine-tune, and the test split, when there is one, as the data their accuracy is measured on (samples no step
 *  trains on and the input model has not seen); a dataset without a split serves its samples for both, and says so. */
export async function passData(
  g: Graph,
  flags: DatasetFlags,
  n: number,
): Promise<{ data: Dataset; validation?: Dataset; calibration: Record<string, TensorData>[] }> {
  const data = await loadDatasetFor(g, flags, { split: 'train' });
  const validation =
    flags.dataset !== undefined && hasTestSplit(flags.dataset) ? await loadDatasetFor(g, flags, { split: 'test' }) : undefined;
  const calibration = [];
  for (let i = 0; i < Math.min(n, data.size); i++) calibration.push({ [g.inputs[0]]: sampleInput(g, data.get(i)) });
  return { data, validation, calibration };
}
