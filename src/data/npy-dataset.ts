// A Dataset over NumPy arrays: x.npy (N samples of the model's input shape) and y.npy (N integer labels) side by side.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Tensor } from '../ir/graph.ts';
import { readNpy, type NpyArray } from './npy.ts';
import {
  badDataset,
  checkLabel,
  checkSampleFits,
  isDir,
  isFile,
  sampleShapeOf,
  type Dataset,
  type LoadOptions,
  type Sample,
  type StoredCodes,
} from './dataset.ts';

/** `folder` → folder/x.npy + folder/y.npy; `…/train_x.npy` → its `…/train_y.npy`. */
export function npyPair(path: string): { x: string; y: string } {
  if (isDir(path)) return { x: join(path, 'x.npy'), y: join(path, 'y.npy') };
  const name = basename(path);
  if (!/x\.npy$/i.test(name)) {
    throw badDataset(
      path,
      `${path}: the samples file must be named x.npy (or …x.npy), with its labels in y.npy beside it`,
      'rename the arrays to x.npy and y.npy, or pass their folder',
    );
  }
  return { x: path, y: join(dirname(path), name.replace(/x(\.npy)$/i, 'y$1')) };
}

function readArray(path: string, what: string): NpyArray {
  if (!isFile(path)) throw badDataset(path, `${path} (the ${what}) is missing`, `save the ${what} with numpy.save next to the other array`);
  return readNpy(new Uint8Array(readFileSync(path)), path);
}

export function loadNpyDataset(path: string, opts: Partial<LoadOptions> = {}): Dataset {
  const files = npyPair(path);
  const x = readArray(files.x, 'samples');
  const y = readArray(files.y, 'labels');
  const n = x.shape[0];
  if (x.shape.length < 2 || n === 0) {
    throw badDataset(
      files.x,
      `${files.x} has shape [${x.shape}]; samples are stacked along the first axis: [N, …sample shape] with N ≥ 1`,
      'save np.stack(samples)',
    );
  }
  if (!(y.shape.length === 1 || (y.shape.length === 2 && y.shape[1] === 1)) || y.shape[0] !== n) {
    throw badDataset(
      files.y,
      `${files.y} has shape [${y.shape}]; ${files.x} has ${n} samples, so the labels must be [${n}]`,
      'one integer class index a sample',
    );
  }
  const sampleShape = x.shape.slice(1);
  if (opts.input) checkSampleFits(sampleShape, opts.input, { file: files.x, what: 'each sample' });
  const labels = Array.from(y.data as ArrayLike<number | bigint>, Number);
  labels.forEach((l, i) => checkLabel(l, `${files.y} row ${i}`, files.y));
  const count = opts.limit === undefined ? n : Math.min(n, opts.limit);
  const per = x.data.length / n;
  const codes = int8Codes(x, opts.input);
  const numbers =
    x.dtype === 'i8' ? Float64Array.from(x.data as BigInt64Array, Number) : (x.data as Exclude<NpyArray['data'], BigInt64Array>);
  return {
    name: `npy:${basename(dirname(files.x))}`,
    size: count,
    inputShape: opts.input ? sampleShapeOf(opts.input) : sampleShape,
    numClasses: Math.max(...labels) + 1,
    get(i: number): Sample {
      if (!Number.isInteger(i) || i < 0 || i >= count) throw new RangeError(`sample ${i} outside 0..${count - 1}`);
      const stored = codes?.(i * per, (i + 1) * per);
      const xi = stored
        ? Float32Array.from(stored.data, (c) => Math.fround(Math.fround(stored.scale) * (c - stored.zeroPoint)))
        : Float32Array.from(numbers.subarray(i * per, (i + 1) * per));
      return stored ? { x: xi, label: labels[i], codes: stored } : { x: xi, label: labels[i] };
    },
  };
}

/** int8 samples for a model whose input is int8 are its codes, taken as they are; for any other model, values. */
function int8Codes(x: NpyArray, input: Tensor | undefined): ((from: number, to: number) => StoredCodes) | undefined {
  if (x.dtype !== 'i1' || input?.dtype !== 'i8' || input.quant?.scale.length !== 1) return undefined;
  const q = { scale: input.quant.scale[0], zeroPoint: input.quant.zeroPoint[0] };
  return (from, to) => ({ data: (x.data as Int8Array).slice(from, to), ...q });
}
