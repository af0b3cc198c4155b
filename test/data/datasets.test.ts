// The one dataset loader on every format it reads (image folders, x.npy + y.npy, CSV, MLPerf folders), fitted to a
// model input; and the errors a sample that does not fit, or a broken dataset, gives.
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TinyforgeError } from '../../src/diagnostics.ts';
import type { Tensor } from '../../src/ir/graph.ts';
import { type LoadOptions } from '../../src/data/dataset.ts';
import { loadDataset } from '../../src/data/load-dataset.ts';
import { decodeImage, encodePng, resizeImage, toChannels } from '../../src/data/image.ts';
import { writeNpy } from '../../src/data/npy.ts';
import { loadModel } from '../../src/import/index.ts';
import { prepareInput, sampleInput } from '../../src/reference/model-input.ts';
import { readFileSync } from 'node:fs';
import { DIGIT_FOLDERS, DIGIT_WORDS, mnistDigits, writeCsvDataset, writeImageFolder, writeNpyDataset } from './dataset-fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'tfg-datasets-'));
const input = (shape: number[], extra: Partial<Tensor> = {}): Tensor => ({ name: 'input', shape, dtype: 'f32', ...extra });
const MNIST_INPUT = input([1, 28, 28, 1]);
const digits = mnistDigits('test', 40);

async function loadError(spec: string, opts: Partial<LoadOptions> = {}): Promise<TinyforgeError> {
  try {
    await loadDataset(spec, { split: 'test', ...opts });
  } catch (e) {
    if (e instanceof TinyforgeError) return e;
    throw e;
  }
  throw new Error(`expected loading ${spec} to fail`);
}

describe('image folders', () => {
  it('PNG digits come back pixel for pixel, classes in sorted subfolder order, taken in turn from each class', async () => {
    const dir = join(root, 'png');
    // Names whose sorted order differs from the digit order: index = position in sorted order.
    writeImageFolder(dir, digits, { format: 'png', names: DIGIT_WORDS });
    const ds = await loadDataset(dir, { split: 'test', input: MNIST_INPUT });
    const sorted = [...DIGIT_WORDS].sort();
    expect(ds.classNames).toEqual(sorted);
    expect(ds.size).toBe(40);
    expect(ds.inputShape).toEqual([28, 28, 1]);
    expect(ds.notes?.[0]).toBe(`classes (index: subfolder): ${sorted.map((c, i) => `${i}: ${c}`).join(', ')}`);
    for (let i = 0; i < ds.size; i++) {
      const word = sorted[ds.get(i).label];
      const k = Number(/(\d+)\.png$/.exec(ds.files![i])![1]);
      expect(word).toBe(DIGIT_WORDS[digits[k].label]);
      expect(Array.from(ds.get(i).x)).toEqual(Array.from(digits[k].image.data));
    }
    // Taken in turn from each class: the first k samples cover the k classes the folder has.
    const k = new Set(digits.map((d) => d.label)).size;
    expect(k).toBeGreaterThan(5);
    expect(new Set(Array.from({ length: k }, (_, i) => ds.get(i).label)).size).toBe(k);
  });

  it('JPEG digits are close to the originals; larger images are resized to the model input', async () => {
    const dir = join(root, 'jpeg56');
    // jpeg-js builds its encoder tables anew for every image (~0.2 s each), so this folder is kept to a dozen.
    const few = digits.slice(0, 12);
    writeImageFolder(dir, few, { format: 'jpeg', size: 56 });
    const ds = await loadDataset(dir, { split: 'test', input: MNIST_INPUT });
    expect(ds.notes?.join(' ')).toContain('12 of 12 images resized to 28×28');
    let diff = 0;
    for (let i = 0; i < ds.size; i++) {
      const k = Number(/(\d+)\.jpg$/.exec(ds.files![i])![1]);
      expect(ds.get(i).label).toBe(few[k].label);
      const x = ds.get(i).x;
      for (let p = 0; p < 784; p++) diff += Math.abs(x[p] - few[k].image.data[p]);
    }
    // Up 2× then down 2× through a lossy codec: a few grey levels per pixel on average, not a different picture.
    expect(diff / (12 * 784)).toBeLessThan(12);
    expect(diff).toBeGreaterThan(0);
  });

  it('gray images feed an RGB input as three equal channels; RGB turns gray with ITU-R 601 luma', () => {
    const rgb = { width: 2, height: 1, channels: 3 as const, data: Uint8Array.from([255, 0, 0, 10, 200, 30]) };
    expect(Array.from(toChannels(rgb, 1).data)).toEqual([76, 124]);
    const back = decodeImage(encodePng(rgb), 'x.png');
    expect(back).toMatchObject({ width: 2, height: 1, channels: 3 });
    expect(Array.from(back.data)).toEqual(Array.from(rgb.data));
    expect(Array.from(toChannels({ width: 1, height: 1, channels: 1, data: Uint8Array.from([9]) }, 3).data)).toEqual([9, 9, 9]);
    const flat = resizeImage({ width: 5, height: 3, channels: 1, data: new Uint8Array(15).fill(77) }, 2, 7);
    expect(Array.from(flat.data)).toEqual(new Array(14).fill(77));
  });

  it('train/ and test/ subfolders are the splits, with class indices from both', async () => {
    const dir = join(root, 'split');
    writeImageFolder(join(dir, 'train'), digits.slice(0, 30), { format: 'png' });
    // The test split lacks one class folder: the other classes keep their indices.
    writeImageFolder(
      join(dir, 'test'),
      digits.slice(30).filter((d) => d.label !== 0),
      { format: 'png' },
    );
    rmSync(join(dir, 'test', DIGIT_FOLDERS[0]), { recursive: true });
    const train = await loadDataset(dir, { split: 'train', input: MNIST_INPUT });
    const test = await loadDataset(dir, { split: 'test', input: MNIST_INPUT });
    expect(train.size).toBe(30);
    expect(test.size).toBe(digits.slice(30).filter((d) => d.label !== 0).length);
    expect(test.classNames).toEqual(DIGIT_FOLDERS);
    for (let i = 0; i < test.size; i++) expect(test.get(i).label).toBe(Number(test.files![i].split(/[\\/]/).at(-2)![0]));
    expect(train.notes?.join(' ')).not.toContain('not held out');
  });

  it('an image that is not one, and a folder of class folders with no images, are errors naming them', async () => {
    const dir = join(root, 'broken-img');
    mkdirSync(join(dir, 'cat'), { recursive: true });
    writeFileSync(join(dir, 'cat', 'a.png'), 'not a png');
    const e = await loadError(dir, { input: MNIST_INPUT });
    expect(e.code).toBe('bad-image');
    expect(e.message).toContain(join(dir, 'cat', 'a.png'));
    const none = join(root, 'no-img');
    mkdirSync(join(none, 'cat', 'deeper'), { recursive: true });
    expect((await loadError(none)).code).toBe('bad-dataset');
  });
});

describe('x.npy + y.npy', () => {
  it('uint8 [N, 28, 28] samples with int64 labels fit a [28, 28, 1] input', async () => {
    const dir = join(root, 'npy');
    writeNpyDataset(dir, digits);
    for (const spec of [dir, join(dir, 'x.npy')]) {
      const ds = await loadDataset(spec, { split: 'test', input: MNIST_INPUT, limit: 25 });
      expect(ds.size).toBe(25);
      expect(ds.numClasses).toBe(Math.max(...digits.map((d) => d.label)) + 1);
      expect(ds.get(24).label).toBe(digits[24].label);
      expect(Array.from(ds.get(24).x)).toEqual(Array.from(digits[24].image.data));
    }
  });

  it('channels-first samples are refused with the file, both shapes and the transpose to do', async () => {
    const dir = join(root, 'npy-nchw');
    mkdirSync(dir);
    writeFileSync(join(dir, 'x.npy'), writeNpy(new Float32Array(2 * 3 * 8 * 8), [2, 3, 8, 8]));
    writeFileSync(join(dir, 'y.npy'), writeNpy(Int32Array.from([0, 1]), [2]));
    const e = await loadError(dir, { input: input([1, 8, 8, 3]) });
    expect(e.code).toBe('sample-shape-mismatch');
    expect(e.message).toBe(
      `${join(dir, 'x.npy')}: each sample of shape [3, 8, 8] (192 values) does not fit the model input "input" [8, 8, 3] (192 values)`,
    );
    expect(e.diagnostic.hint).toContain('transpose');
    const wrong = await loadError(dir, { input: MNIST_INPUT });
    expect(wrong.message).toContain('[3, 8, 8] (192 values) does not fit the model input "input" [28, 28, 1] (784 values)');
  });

  it('int8 samples of an int8 model are its input codes', async () => {
    const dir = join(root, 'npy-i8');
    mkdirSync(dir);
    const codes = Int8Array.from({ length: 2 * 10 }, (_, i) => i - 10);
    writeFileSync(join(dir, 'x.npy'), writeNpy(codes, [2, 10]));
    writeFileSync(join(dir, 'y.npy'), writeNpy(Uint8Array.from([1, 0]), [2, 1]));
    const ds = await loadDataset(dir, { split: 'test', input: input([1, 10], { dtype: 'i8', quant: { scale: [0.5], zeroPoint: [3] } }) });
    expect(Array.from(ds.get(1).codes!.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(ds.get(1).x)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((c) => 0.5 * (c - 3)));
    const asValues = await loadDataset(dir, { split: 'test', input: input([1, 10]) });
    expect(asValues.get(1).codes).toBeUndefined();
    expect(Array.from(asValues.get(1).x)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('labels that do not match the samples are an error naming y.npy', async () => {
    const dir = join(root, 'npy-short');
    mkdirSync(dir);
    writeFileSync(join(dir, 'x.npy'), writeNpy(new Float32Array(3 * 4), [3, 4]));
    writeFileSync(join(dir, 'y.npy'), writeNpy(Int32Array.from([0, 1]), [2]));
    const e = await loadError(dir);
    expect(e.code).toBe('bad-dataset');
    expect(e.diagnostic.location?.file).toBe(join(dir, 'y.npy'));
  });
});

describe('CSV', () => {
  it('detects the header, takes the label column by name or index, and maps text labels to sorted classes', async () => {
    const file = join(root, 'digits.csv');
    writeCsvDataset(file, digits, 'word');
    const flat = input([1, 784]);
    const byName = await loadDataset(file, { split: 'test', input: flat, labelColumn: 'digit' });
    const byIndex = await loadDataset(file, { split: 'test', input: flat, labelColumn: '0' });
    const sorted = [...new Set(digits.map((d) => DIGIT_WORDS[d.label]))].sort();
    for (const ds of [byName, byIndex]) {
      expect(ds.size).toBe(40);
      expect(ds.classNames).toEqual(sorted);
      expect(sorted[ds.get(7).label]).toBe(DIGIT_WORDS[digits[7].label]);
      expect(Array.from(ds.get(7).x)).toEqual(Array.from(digits[7].image.data));
    }
    // Without --label-column and no column called label, the last column would be taken: p783, numbers.
    const last = await loadDataset(file, { split: 'test', input: flat, labelColumn: undefined }).catch((e: TinyforgeError) => e);
    expect(last).toBeInstanceOf(TinyforgeError);
    expect((last as TinyforgeError).message).toMatch(/line 2, column "digit": "\w+" is not a number/);
  });

  it('a row that does not fit the model names the file, the row and both shapes', async () => {
    const file = join(root, 'series.csv');
    writeFileSync(file, '0.1,0.2,0.3,1\n0.4,0.5,0.6,0\n');
    const ds = await loadDataset(file, { split: 'test', input: input([1, 3, 1]) });
    expect(ds.notes).toContain('labels are the last column (index 3); --label-column picks another');
    expect(ds.get(1)).toMatchObject({ label: 0 });
    expect(Array.from(ds.get(1).x)).toEqual([0.4, 0.5, 0.6].map(Math.fround));
    const e = await loadError(file, { input: input([1, 49, 10, 1]) });
    expect(e.code).toBe('sample-shape-mismatch');
    expect(e.message).toBe(
      `${file} row 1: a row of 3 values (label column aside) of shape [3] (3 values) does not fit the model input "input" [49, 10, 1] (490 values)`,
    );
    const ragged = join(root, 'ragged.csv');
    writeFileSync(ragged, '1,2,3\n4,5\n');
    expect((await loadError(ragged)).code).toBe('bad-dataset');
    expect((await loadError(file, { labelColumn: 'nope' })).code).toBe('bad-argument');
  });
});

describe('samples as the model takes them', () => {
  it('KWS int8 samples reach the int8 model byte for byte; with preprocessing they are requantized', async () => {
    const g = await loadModel('examples/mlperf-tiny/kws01/models/kws_ref_model.tflite');
    const ds = await loadDataset('examples/mlperf-tiny/kws01/samples', { split: 'test', limit: 5, input: g.tensors[g.inputs[0]] });
    const file = new Int8Array(readFileSync(join('examples/mlperf-tiny/kws01/samples', ds.files![4])));
    expect(Array.from(sampleInput(g, ds.get(4)))).toEqual(Array.from(file));
    // The features the codes stand for round-trip to the same codes here, so only the path differs…
    expect(Array.from(prepareInput(g, ds.get(4).x))).toEqual(Array.from(file));
    // …but a preprocessing step must be applied, so the codes are not taken as they are.
    g.metadata.preprocess = { scale: 0.5, mean: [0], std: [1] };
    expect(Array.from(sampleInput(g, ds.get(4)))).not.toEqual(Array.from(file));
  });
});

describe('formats and flags', () => {
  it('MLPerf uint8 images (ic01) reach an int8 input with zero point −128 as u8 − 128', async () => {
    const dir = join(root, 'ic', 'ic01');
    mkdirSync(dir, { recursive: true });
    const pixels = Uint8Array.from({ length: 32 * 32 * 3 }, (_, i) => (i * 7) % 256);
    writeFileSync(join(dir, 'a.bin'), pixels);
    writeFileSync(join(dir, 'y_labels.csv'), 'a.bin,10,3\n');
    const ds = await loadDataset(dir, {
      split: 'test',
      input: input([1, 32, 32, 3], { dtype: 'i8', quant: { scale: [1], zeroPoint: [-128] } }),
    });
    expect(Array.from(ds.get(0).codes!.data)).toEqual(Array.from(pixels, (u) => u - 128));
    expect(Array.from(ds.get(0).x)).toEqual(Array.from(pixels));
  });

  it('--dataset-encoding reads a folder of any name; a format flag for another format is refused', async () => {
    const dir = join(root, 'mine');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.bin'), new Uint8Array(new Float32Array([1.5, -2, 3]).buffer));
    writeFileSync(join(dir, 'y_labels.csv'), 'a.bin,2,1\n');
    const e = await loadError(dir, { input: input([1, 3]) });
    expect(e.diagnostic.hint).toContain('--dataset-encoding');
    const ds = await loadDataset(dir, { split: 'test', input: input([1, 3]), encoding: 'float32' });
    expect(Array.from(ds.get(0).x)).toEqual([1.5, -2, 3]);
    expect((await loadError(join(root, 'npy'), { encoding: 'int8' })).code).toBe('bad-argument');
    expect((await loadError('mnist', { labelColumn: 'label' })).code).toBe('bad-argument');
  });

  it('mnist fits a flat [784] input and a [28, 28, 1] one, not a KWS input', async () => {
    expect((await loadDataset('mnist', { split: 'test', limit: 2, input: input([1, 784]) })).size).toBe(2);
    expect((await loadDataset('mnist', { split: 'test', limit: 2, input: MNIST_INPUT })).size).toBe(2);
    const e = await loadError('mnist', { input: input([1, 49, 10, 1]) });
    expect(e.message).toBe(
      'mnist: a sample of shape [28, 28, 1] (784 values) does not fit the model input "input" [49, 10, 1] (490 values)',
    );
  });

  it('a missing path, an empty folder, a stray file and a zero count are clean errors', async () => {
    expect((await loadError(join(root, 'nosuch'))).code).toBe('unknown-dataset');
    mkdirSync(join(root, 'empty'));
    expect((await loadError(join(root, 'empty'))).message).toContain('is an empty folder');
    writeFileSync(join(root, 'notes.txt'), 'hello');
    expect((await loadError(join(root, 'notes.txt'))).code).toBe('bad-dataset');
    expect((await loadError('mnist', { limit: 0 })).code).toBe('bad-argument');
  });
});
