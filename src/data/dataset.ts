// The Dataset interface every consumer (training, eval, on-device accuracy) uses, and lookup by name or folder.
import { existsSync, statSync } from 'node:fs';
import { TinyforgeError } from '../diagnostics.ts';

export interface Sample {
  /** Raw values (e.g. pixels 0..255), NHWC without batch; preprocessing is applied by the consumer. */
  x: Float32Array;
  label: number;
}

export interface Dataset {
  name: string;
  size: number;
  /** NHWC without the batch dimension, e.g. [28, 28, 1]. */
  inputShape: number[];
  numClasses: number;
  get(i: number): Sample;
}

export interface LoadOptions {
  split: 'train' | 'test';
  /** Use only the first `limit` samples. */
  limit?: number;
}

export const DATASET_NAMES = ['mnist'] as const;

/** Loads a dataset by name ('mnist') or, for a folder path, in MLPerf Tiny format. */
export async function loadDataset(name: string, opts: LoadOptions): Promise<Dataset> {
  if (name === 'mnist') {
    const { loadMnist } = await import('./mnist.ts');
    return loadMnist(opts);
  }
  if (existsSync(name) && statSync(name).isDirectory()) {
    // Owned by another part (tflite); loaded lazily so MNIST users do not depend on it.
    const mod = (await import('./mlperf-folder.ts' as string)) as {
      loadMlperfFolder: (path: string, opts: LoadOptions) => Promise<Dataset> | Dataset;
    };
    return mod.loadMlperfFolder(name, opts);
  }
  throw new TinyforgeError('unknown-dataset', `unknown dataset "${name}"`, {
    notes: [`valid names: ${DATASET_NAMES.join(', ')}, or a folder in MLPerf Tiny format`],
    hint: 'pass --dataset mnist or the path of a dataset folder',
  });
}

/** A view of the first `limit` samples (or all when limit is undefined). */
export function limitDataset(ds: Dataset, limit: number | undefined): Dataset {
  if (limit === undefined || limit >= ds.size) return ds;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new TinyforgeError('bad-limit', `limit must be a non-negative integer, got ${limit}`);
  }
  return { ...ds, size: limit, get: ds.get };
}
