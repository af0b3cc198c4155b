// MLPerf Tiny folder dataset on the real kws01 evaluation set, plus the errors for broken folders.
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/load-dataset.ts';
import { loadMlperfFolder } from '../../src/data/mlperf-folder.ts';
import { importTflite } from '../../src/import/tflite.ts';
import { mlperfTiny } from '../mlperf-tiny.ts';
import { errorOf } from '../errors.ts';

const KWS = mlperfTiny('kws01');
const SAMPLES = `${KWS}/samples`;

describe('MLPerf folder dataset on kws01', () => {
  const modelPath = `${KWS}/models/kws_ref_model.tflite`;
  const model = importTflite(new Uint8Array(readFileSync(modelPath)), modelPath);
  const input = model.tensors[model.inputs[0]];
  const ds = loadMlperfFolder(SAMPLES, { split: 'test', input });

  it('lists the 1000 samples with labels that match their file names', () => {
    expect(ds.size).toBe(1000);
    expect(ds.inputShape).toEqual([49, 10, 1]);
    expect(ds.numClasses).toBe(12);
    expect(ds.encoding).toBe('int8');
    for (let i = 0; i < ds.size; i++) {
      // tst_000123_Left_2.bin: the class index is the last field of the name.
      expect(ds.get(i).label).toBe(Number(/_(\d+)\.bin$/.exec(ds.files[i])![1]));
    }
    const counts = new Array(12).fill(0);
    for (let i = 0; i < ds.size; i++) counts[ds.get(i).label]++;
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(70);
    expect(Math.max(...counts)).toBeLessThanOrEqual(92);
  });

  it('getRaw and getQuantized give the file bytes; get() gives the dequantized features', () => {
    const file = new Uint8Array(readFileSync(join(SAMPLES, ds.files[3])));
    expect(ds.getRaw(3)).toEqual(file);
    const q = ds.getQuantized(3);
    expect(q).toBeInstanceOf(Int8Array);
    expect([...q]).toEqual([...new Int8Array(file.buffer, file.byteOffset, file.length)]);
    const x = ds.get(3).x;
    expect(x).toHaveLength(490);
    const [s, zp] = [input.quant!.scale[0], input.quant!.zeroPoint[0]];
    expect(zp).toBe(83);
    for (let k = 0; k < 490; k++) expect(x[k]).toBe(Math.fround(s * (q[k] - zp)));
    // A quantized sample is not constant, or the test above proves nothing.
    expect(new Set(q).size).toBeGreaterThan(10);
  });

  it('is reachable through loadDataset(folder) and honours limit', async () => {
    const limited = await loadDataset(SAMPLES, { split: 'test', limit: 5 });
    expect(limited.size).toBe(5);
    expect(limited.get(4).label).toBe(ds.get(4).label);
    // kws01's samples are known to be quantized with the reference model's input scale/zp, with or without the model.
    expect([...limited.get(0).x]).toEqual([...ds.get(0).x]);
    expect(limited.get(0).codes).toMatchObject({ scale: input.quant!.scale[0], zeroPoint: 83 });
    expect([...limited.get(0).codes!.data]).toEqual([...ds.getQuantized(0)]);
  });
});

describe('broken MLPerf folders', () => {
  const make = (files: Record<string, Uint8Array | string>) => {
    const dir = join(mkdtempSync(join(tmpdir(), 'tfg-mlperf-')), 'kws01');
    mkdirSync(dir);
    for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
    return dir;
  };

  it('names the missing y_labels.csv', () => {
    const e = errorOf(() => loadMlperfFolder(make({})));
    expect(e.code).toBe('bad-dataset');
    expect(e.message).toContain('has no y_labels.csv');
  });

  it('names a listed sample that is missing, with its line', () => {
    const dir = make({ 'y_labels.csv': 'a.bin,12,1\nb.bin,12,3\n', 'a.bin': new Uint8Array(490) });
    expect(errorOf(() => loadMlperfFolder(dir)).message).toBe('b.bin is listed on line 2 of y_labels.csv but is missing');
  });

  it('names a sample of the wrong size', () => {
    const dir = make({ 'y_labels.csv': ' a.bin , 12 , 1 \n', 'a.bin': new Uint8Array(480) });
    expect(errorOf(() => loadMlperfFolder(dir)).message).toBe('a.bin has 480 bytes; int8 input [49,10,1] needs 490');
  });

  it('rejects a label outside the class count', () => {
    const dir = make({ 'y_labels.csv': 'a.bin,12,12\n', 'a.bin': new Uint8Array(490) });
    expect(errorOf(() => loadMlperfFolder(dir)).message).toContain('line 1 of y_labels.csv');
  });

  it('asks for the encoding of an unknown benchmark folder', () => {
    const dir = join(make({}), '..', 'mine');
    mkdirSync(dir);
    writeFileSync(join(dir, 'y_labels.csv'), 'a.bin,2,0\n');
    const e = errorOf(() => loadMlperfFolder(dir));
    expect(e.diagnostic.hint).toContain('encoding');
  });

  it('has no training split: asked for one, it gives the same samples and says so', async () => {
    const train = await loadDataset(SAMPLES, { split: 'train', limit: 3 });
    const test = await loadDataset(SAMPLES, { split: 'test', limit: 3 });
    expect(train.files).toEqual(test.files);
    expect(train.notes?.join(' ')).toContain('not held out');
    expect(test.notes ?? []).toHaveLength(0);
  });
});
