// The compression cache: a second identical compile reuses the stored compression, any change to a key part (model
// content, preprocessing, recipe, calibration count, dataset files, code) computes it again, --no-cache always does.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyMlp } from './tiny-model.ts';
import { mnistDigits, writeNpyDataset } from '../data/dataset-fixtures.ts';
import { prepareModel, loadModelWithPreprocess } from '../../src/cli/steps.ts';
import { cacheKey, cacheKeyParts, CACHE_HIT_PREFIX, importClosureHash, sourceHash } from '../../src/cli/compression-cache.ts';
import { graphToJson } from '../../src/ir/serialize.ts';

const dir = mkdtempSync(join(tmpdir(), 'tfg-cache-'));
const model = join(dir, 'tiny.onnx');
const other = join(dir, 'other.onnx');
const copy = join(dir, 'copy-of-tiny.onnx');
const npy = join(dir, 'digits');
const savedCache = process.env.TINYFORGE_CACHE;

beforeAll(() => {
  writeTinyMlp(model, 1);
  writeTinyMlp(other, 2);
  copyFileSync(model, copy);
  mkdirSync(npy);
  writeNpyDataset(npy, mnistDigits('train', 30));
});

afterEach(() => {
  process.env.TINYFORGE_CACHE = savedCache;
});

/** Runs `fn` with stderr captured; returns what it printed. */
async function stderrOf(fn: () => Promise<unknown>): Promise<string> {
  const write = process.stderr.write.bind(process.stderr);
  let text = '';
  process.stderr.write = ((chunk: string | Uint8Array) => ((text += String(chunk)), true)) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stderr.write = write;
  }
  return text;
}

describe('compression cache', () => {
  it('a second identical prepare reuses the stored graph and record; --no-cache computes again', async () => {
    process.env.TINYFORGE_CACHE = mkdtempSync(join(dir, 'cache-'));
    const opts = { modelPath: model, quantize: 'int8', compress: 'int4', dataset: 'mnist', calibrationSamples: 20 };
    let first!: Awaited<ReturnType<typeof prepareModel>>;
    let second!: Awaited<ReturnType<typeof prepareModel>>;
    const log1 = await stderrOf(async () => (first = await prepareModel(opts)));
    const log2 = await stderrOf(async () => (second = await prepareModel(opts)));
    expect(log1).toContain('compression cache: stored int4');
    expect(log1).not.toContain(CACHE_HIT_PREFIX);
    expect(log2).toContain(`${CACHE_HIT_PREFIX} int4`);
    expect(log2).not.toContain('calibrating');
    expect(graphToJson(second.graph)).toBe(graphToJson(first.graph));
    expect(second.compression).toEqual(first.compression);
    expect(readdirSync(join(process.env.TINYFORGE_CACHE, 'compress'))).toHaveLength(1);
    const log3 = await stderrOf(() => prepareModel({ ...opts, cache: false }));
    expect(log3).not.toContain('compression cache');
    expect(log3).toContain('calibrating');
  });

  it('the same content read from another file reuses the entry and reports the file it was read from', async () => {
    process.env.TINYFORGE_CACHE = mkdtempSync(join(dir, 'cache-'));
    const opts = { quantize: 'int8', dataset: 'mnist', calibrationSamples: 10 };
    await stderrOf(() => prepareModel({ ...opts, modelPath: model }));
    let p!: Awaited<ReturnType<typeof prepareModel>>;
    const log = await stderrOf(async () => (p = await prepareModel({ ...opts, modelPath: copy })));
    expect(log).toContain(CACHE_HIT_PREFIX);
    expect(p.compression.source).toBe(copy);
    expect(p.graph.metadata.source?.path).toBe(copy);
  });

  it('every key part changes the key; defaults written out do not', async () => {
    const g = await loadModelWithPreprocess(model);
    const base = cacheKeyParts(g, [{ step: 'quantize-int8' }], 20, { dataset: 'mnist' });
    const key = cacheKey(base);
    // The resolved recipe: a default spelled out is the same recipe, another value is not.
    expect(cacheKey(cacheKeyParts(g, [{ step: 'quantize-int8', percentile: 100 }], 20, { dataset: 'mnist' }))).toBe(key);
    expect(cacheKey(cacheKeyParts(g, [{ step: 'quantize-int8', percentile: 99.9 }], 20, { dataset: 'mnist' }))).not.toBe(key);
    expect(cacheKey(cacheKeyParts(g, [{ step: 'int4' }], 20, { dataset: 'mnist' }))).not.toBe(key);
    // Model content and preprocessing.
    expect(cacheKey(cacheKeyParts(await loadModelWithPreprocess(other), [{ step: 'quantize-int8' }], 20, { dataset: 'mnist' }))).not.toBe(
      key,
    );
    expect(
      cacheKey(
        cacheKeyParts(await loadModelWithPreprocess(model, { mean: '0.1307' }), [{ step: 'quantize-int8' }], 20, { dataset: 'mnist' }),
      ),
    ).not.toBe(key);
    expect(cacheKey(cacheKeyParts(await loadModelWithPreprocess(copy), [{ step: 'quantize-int8' }], 20, { dataset: 'mnist' }))).toBe(key);
    // Calibration count.
    expect(cacheKey(cacheKeyParts(g, [{ step: 'quantize-int8' }], 21, { dataset: 'mnist' }))).not.toBe(key);
    // Dataset identity: another dataset, and the same folder once a file in it changed.
    const inFolder = cacheKey(cacheKeyParts(g, [{ step: 'quantize-int8' }], 20, { dataset: npy }));
    expect(inFolder).not.toBe(key);
    expect(cacheKey(cacheKeyParts(g, [{ step: 'quantize-int8' }], 20, { dataset: npy }))).toBe(inFolder);
    utimesSync(join(npy, 'y.npy'), new Date(), new Date(Date.now() + 5000));
    expect(cacheKey(cacheKeyParts(g, [{ step: 'quantize-int8' }], 20, { dataset: npy }))).not.toBe(inFolder);
    // Code version: the hash of the sources changes with any source file.
    const src = mkdtempSync(join(dir, 'src-'));
    writeFileSync(join(src, 'pass.ts'), 'export const x = 1;\n');
    const before = sourceHash(src);
    expect(sourceHash(src)).toBe(before);
    writeFileSync(join(src, 'pass.ts'), 'export const x = 2;\n');
    expect(sourceHash(src)).not.toBe(before);
    // In a checkout, only the files the compression roots import count: an edit in a module they do not import (a
    // command, a kernel emitter) keeps every cached compression, an edit in one they import through another does not.
    mkdirSync(join(src, 'cli'));
    mkdirSync(join(src, 'codegen'));
    writeFileSync(join(src, 'cli', 'root.ts'), "import { x } from '../pass.ts';\nconst t = await import('./lazy.ts');\n");
    writeFileSync(join(src, 'cli', 'lazy.ts'), 'export const l = 1;\n');
    writeFileSync(join(src, 'codegen', 'emit.ts'), "import { x } from '../pass.ts';\n");
    const closure = importClosureHash(src, ['cli/root.ts']);
    writeFileSync(join(src, 'codegen', 'emit.ts'), "import { x } from '../pass.ts';\nexport const y = x;\n");
    expect(importClosureHash(src, ['cli/root.ts'])).toBe(closure);
    writeFileSync(join(src, 'pass.ts'), 'export const x = 3;\n');
    const afterPass = importClosureHash(src, ['cli/root.ts']);
    expect(afterPass).not.toBe(closure);
    writeFileSync(join(src, 'cli', 'lazy.ts'), 'export const l = 2;\n');
    expect(importClosureHash(src, ['cli/root.ts'])).not.toBe(afterPass);
    expect(cacheKey({ ...base, code: `${base.code}x` })).not.toBe(key);
  });

  it('changing a key part on the command line computes again: calibration count, then preprocessing', async () => {
    process.env.TINYFORGE_CACHE = mkdtempSync(join(dir, 'cache-'));
    const opts = { modelPath: model, quantize: 'int8', dataset: 'mnist', calibrationSamples: 10 };
    await stderrOf(() => prepareModel(opts));
    expect(await stderrOf(() => prepareModel({ ...opts, calibrationSamples: 11 }))).toContain('compression cache: stored');
    expect(await stderrOf(() => prepareModel({ ...opts, preprocess: { mean: '0.5' } }))).toContain('compression cache: stored');
    expect(await stderrOf(() => prepareModel({ ...opts, compress: 'int4' }))).toContain('compression cache: stored');
    expect(await stderrOf(() => prepareModel(opts))).toContain(CACHE_HIT_PREFIX);
    expect(readdirSync(join(process.env.TINYFORGE_CACHE, 'compress'))).toHaveLength(4);
  });

  it('tinyforge compile twice: the second reuses the compression and writes the same project', () => {
    const cache = mkdtempSync(join(dir, 'cache-'));
    const compile = (out: string, ...extra: string[]) =>
      spawnSync(
        'node',
        [
          'bin/tinyforge.js',
          'compile',
          model,
          '--board',
          'mps2-an386',
          '--dataset',
          'mnist',
          '--calibration-samples',
          '10',
          '-o',
          out,
          ...extra,
        ],
        {
          encoding: 'utf8',
          env: { ...process.env, TINYFORGE_CACHE: cache },
          timeout: 120_000,
        },
      );
    const a = compile(join(dir, 'c1'));
    const b = compile(join(dir, 'c2'));
    const c = compile(join(dir, 'c3'), '--no-cache');
    expect([a.status, b.status, c.status]).toEqual([0, 0, 0]);
    expect(a.stderr).toContain('compression cache: stored quantize-int8');
    expect(b.stderr).toContain(`${CACHE_HIT_PREFIX} quantize-int8`);
    expect(c.stderr).not.toContain('compression cache');
    for (const f of ['model.c', 'model.tfir.json']) {
      expect(readFileSync(join(dir, 'c2', f), 'utf8')).toBe(readFileSync(join(dir, 'c1', f), 'utf8'));
      expect(readFileSync(join(dir, 'c3', f), 'utf8')).toBe(readFileSync(join(dir, 'c1', f), 'utf8'));
    }
  });
});
