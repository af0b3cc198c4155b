// Benchmarks issue 4's figures on MNIST: Deep Compression (prune → cluster → Huffman), BinaryConnect, QAT vs PTQ int8
// and int4, on LeNet-300-100 and the example CNN, then the device rows (microbit, mps2-an385 packed vs dense weights =
// decode vs compute, mps2-an386 binary). Accuracy on the full test set; weight bytes as codegen packs them.
// Usage: node --import tsx bench/bits.ts [--quick] [--models lenet300,cnn] [--techniques a,b] [--test N] [--train N]
//        [--epochs-scale x] [--samples N (device)] [--no-device] [--sequential]      (or `npm run bench -- --bits`)
// The models run in parallel child processes unless --sequential.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Dataset } from '../src/data/dataset.ts';
import { loadDataset } from '../src/data/load-dataset.ts';
import { applyPreprocess } from '../src/data/preprocess.ts';
import { importOnnx } from '../src/import/onnx.ts';
import { simplify } from '../src/ir/optimize.ts';
import type { Graph, TensorData } from '../src/ir/graph.ts';
import { loadIrJson, saveIrJson } from '../src/ir/serialize.ts';
import { resolveRecipe, runPipeline, type Recipe } from '../src/compress/pipeline.ts';
import { weightRatio } from '../src/compress/deep-compression-table.ts';
import { createLog, type LayerRow, type PassReport } from '../src/compress/pass.ts';
import { evaluateOnHost } from '../src/reference/evaluate.ts';
import { evaluate } from '../src/train/evaluate.ts';
import { trainGraph } from '../src/train/train.ts';
import { mnistCnn, mnistLenet300 } from '../examples/models.ts';
import { deviceBits } from './bits-device.ts';
import { bitsFigures, type BitsDeviceRow, type BitsRow } from './bits-figures.ts';
import type { Figure } from './format.ts';

type ModelName = 'lenet300' | 'cnn';

export interface BenchBitsOptions {
  models?: ModelName[];
  /** Test images for top-1 (the figures use all 10,000). */
  testLimit?: number;
  /** Training images for fine-tuning and training (60,000 = all; the last 2,000 are the passes' held-out checks). */
  trainLimit?: number;
  /** Multiplies every epoch count (smoke runs: 0.1). */
  epochsScale?: number;
  techniques?: string[];
  /** Test images per device row (default 500; the mps2-an385 instruction rows use at most 100). */
  samples?: number;
  /** Run the device rows (default true). */
  device?: boolean;
  /** Small, fast configuration (smoke run): 5k training images, 1k test images, a tenth of the epochs, 20 device images. */
  quick?: boolean;
  /** Run each model in its own process (default true: training is single-threaded, the machine has ≥ 2 cores). */
  parallel?: boolean;
  cacheDir?: string;
  onProgress?: (message: string) => void;
}

export interface BenchBitsResult {
  rows: BitsRow[];
  device: BitsDeviceRow[];
  /** Deep Compression's per-layer table for each compressed model. */
  tables: Record<string, LayerRow[]>;
  recipes: Record<string, Recipe>;
  test_images: number;
  train_images: number;
  figures: Figure[];
}

const MODELS = {
  lenet300: { build: mnistLenet300, example: 'examples/mnist-lenet300/model.onnx', epochs: 4 },
  cnn: { build: mnistCnn, example: 'examples/mnist-cnn/model.onnx', epochs: 4 },
} as const;

/** Each model's Deep Compression recipe: its preset (src/compress/pipeline.ts, whose defaults are the settings these
 *  figures are measured with), epochs scaled and the fine-tuning data slice filled in. */
export function deepCompressionRecipe(model: ModelName, ep: (e: number) => number, ft: Record<string, number>): Recipe {
  return resolveRecipe(model === 'lenet300' ? 'deep-compression' : 'deep-compression-cnn').map((s) =>
    typeof s.epochs === 'number' ? { ...s, ...ft, epochs: ep(s.epochs) } : s.step === 'huffman' ? s : { ...s, ...ft });
}

/** The example model when it is committed, else trained here (seeded) and cached. */
async function floatModel(name: ModelName, train: Dataset, o: { epochsScale: number; cacheDir: string }, say: (m: string) => void): Promise<Graph> {
  const m = MODELS[name];
  // simplify as the CLI's loadModel does, so the bench compresses the graph a user's `tinyforge compress` gets.
  if (existsSync(m.example)) return simplify(importOnnx(new Uint8Array(readFileSync(m.example)), m.example));
  const cache = join(o.cacheDir, `${name}-float-${train.size}-${o.epochsScale}.tfir.json`);
  if (existsSync(cache)) return loadIrJson(cache);
  const epochs = Math.max(1, Math.round(m.epochs * o.epochsScale));
  say(`${name}: training the float model (${epochs} epochs on ${train.size} images)`);
  const g = (await trainGraph(m.build(1), train, { epochs, batchSize: 64, learningRate: 1e-3, learningRateDecay: 0.7, seed: 1 })).graph;
  mkdirSync(o.cacheDir, { recursive: true });
  saveIrJson(g, cache);
  return g;
}

/** Runs `models` in child processes (bench/bits.ts --json-rows) and merges their results. */
async function inChildren(models: ModelName[], opts: BenchBitsOptions): Promise<Omit<BenchBitsResult, 'figures'>[]> {
  const flags = (m: ModelName) => [
    '--import', 'tsx', fileURLToPath(import.meta.url), '--models', m, '--sequential',
    ...(opts.quick ? ['--quick'] : []), ...(opts.device === false ? ['--no-device'] : []),
    ...(opts.techniques ? ['--techniques', opts.techniques.join(',')] : []),
    ...(opts.testLimit ? ['--test', String(opts.testLimit)] : []), ...(opts.trainLimit ? ['--train', String(opts.trainLimit)] : []),
    ...(opts.epochsScale ? ['--epochs-scale', String(opts.epochsScale)] : []), ...(opts.samples ? ['--samples', String(opts.samples)] : []),
  ];
  const say = opts.onProgress ?? (() => {});
  return Promise.all(models.map((m) => new Promise<Omit<BenchBitsResult, 'figures'>>((resolve, reject) => {
    const child = spawn(process.execPath, flags(m), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const lines = err.split('\n');
      err = lines.pop()!;
      for (const l of lines) if (l.trim()) say(`[${m}] ${l.replace(/^\[\d\d:\d\d:\d\d\] /, '')}`);
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`bench/bits.ts --models ${m} exited with ${code}: ${err}`))));
  })));
}

export async function benchBits(opts: BenchBitsOptions = {}): Promise<BenchBitsResult> {
  const models = opts.models ?? (['lenet300', 'cnn'] as ModelName[]);
  if ((opts.parallel ?? true) && models.length > 1) {
    const parts = await inChildren(models, opts);
    const merged = {
      rows: parts.flatMap((p) => p.rows), device: parts.flatMap((p) => p.device),
      tables: Object.assign({}, ...parts.map((p) => p.tables)), recipes: Object.assign({}, ...parts.map((p) => p.recipes)),
      test_images: parts[0].test_images, train_images: parts[0].train_images,
    };
    return { ...merged, figures: bitsFigures(merged.rows, merged.device, merged.test_images) };
  }
  const quick = !!opts.quick;
  const o = {
    models,
    testLimit: opts.testLimit ?? (quick ? 1000 : 10000),
    trainLimit: opts.trainLimit ?? (quick ? 5000 : 60000),
    epochsScale: opts.epochsScale ?? (quick ? 0.1 : 1),
    samples: opts.samples ?? (quick ? 20 : 500),
    device: opts.device ?? true,
    cacheDir: opts.cacheDir ?? 'out/bench-cache',
  };
  const say = opts.onProgress ?? (() => {});
  const want = (t: string) => !opts.techniques || opts.techniques.includes(t);
  const test = await loadDataset('mnist', { split: 'test', limit: o.testLimit });
  const train = await loadDataset('mnist', { split: 'train', limit: o.trainLimit });
  const ep = (e: number) => Math.max(0.1, Math.round(e * o.epochsScale * 10) / 10);
  const val = Math.min(2000, Math.floor(train.size / 10));
  const ft = { samples: train.size - val, val_samples: val, batch_size: 64, seed: 1 };
  const rows: BitsRow[] = [];
  const device: BitsDeviceRow[] = [];
  const tables: Record<string, LayerRow[]> = {};
  const recipes: Record<string, Recipe> = {};
  mkdirSync(o.cacheDir, { recursive: true });
  const onDevice = async (model: string, technique: string, irPath: string, board: string, samples: number, nodecode = false) => {
    say(`${model} ${technique}: on ${board}${nodecode ? ' (same weights stored dense)' : ''}, ${samples} images`);
    const d = { model, technique, ...(await deviceBits(irPath, board, samples, nodecode)) };
    device.push(d);
    say(`${model} ${technique} on ${board} ${d.variant}: device ${(100 * d.device_top1).toFixed(2)}% vs reference ${(100 * d.reference_top1).toFixed(2)}%, ` +
      `${d.latency_median ?? '—'} ${d.latency_unit}, flash ${d.flash_bytes} B, RAM ${d.ram_bytes} B, stack ${d.stack_bytes ?? '—'} B`);
  };

  for (const name of o.models) {
    const float = await floatModel(name, train, o, say);
    const top1Float = (await evaluate(float, test)).top1;
    say(`${name}: float top-1 ${(100 * top1Float).toFixed(2)}% on ${test.size} test images`);
    const calibration: Record<string, TensorData>[] = Array.from({ length: 200 }, (_, i) => ({ [float.inputs[0]]: applyPreprocess(train.get(i).x, float.metadata.preprocess) }));
    const data = { dataset: train, calibration };
    let last = '';
    const log = createLog((m) => m !== last && say(`  ${(last = m)}`)); // calibration repeats its message per sample
    const row = (technique: string, g: Graph, top1: number, t0: number, detail: string) => {
      const r = weightRatio(g);
      const out: BitsRow = {
        model: name, technique, top1_float: top1Float, top1, delta_pt: Math.round((top1 - top1Float) * 10000) / 100,
        float32_bytes: r.float32_bytes, deployed_bytes: r.deployed_bytes, ratio: r.ratio, seconds: Math.round((Date.now() - t0) / 1000), detail,
      };
      rows.push(out);
      say(`${name} ${technique}: top-1 ${(100 * top1).toFixed(2)}% (${out.delta_pt >= 0 ? '+' : ''}${out.delta_pt} pt), ${r.deployed_bytes} B, ${r.ratio}× — ${detail}`);
    };
    const run = async (key: string, recipe: Recipe) => {
      recipes[`${name}/${key}`] = recipe;
      return runPipeline(float, recipe, { data, log });
    };

    if (want('deep-compression')) {
      const t0 = Date.now();
      const { ir, compression } = await run('deep-compression', deepCompressionRecipe(name, ep, ft));
      const top1 = (await evaluate(ir, test)).top1;
      const layers = compression.steps[compression.steps.length - 1].layers;
      tables[`${name}/deep-compression`] = layers;
      const kept = layers.map((l) => `${l.node} ${l.weights_kept_percent}%`).join(', ');
      row('deep-compression', ir, top1, t0, `kept ${kept}; per-layer table in tables`);
      const path = join(o.cacheDir, `${name}-deep-compression.tfir.json`);
      saveIrJson(ir, path);
      if (o.device && name === 'lenet300') {
        await onDevice(name, 'deep-compression', path, 'microbit', o.samples);
        // Instructions are the same for every image (decode and compute are data-independent): 100 images suffice.
        await onDevice(name, 'deep-compression', path, 'mps2-an385', Math.min(100, o.samples));
        await onDevice(name, 'deep-compression', path, 'mps2-an385', Math.min(100, o.samples), true);
      }
    }
    if (want('binary') && name === 'lenet300') {
      const t0 = Date.now();
      const { ir } = await run('binary', [{ step: 'binary', epochs: ep(3), lr: 1e-3, keep_last: true, ...ft }, { step: 'fp16' }]);
      row('binary', ir, (await evaluate(ir, test)).top1, t0, 'BinaryConnect deterministic, α per channel; last layer fp16');
      const path = join(o.cacheDir, `${name}-binary.tfir.json`);
      saveIrJson(ir, path);
      if (o.device) await onDevice(name, 'binary', path, 'mps2-an386', o.samples);
    }
    if (want('qat-int8')) {
      const t0 = Date.now();
      const ptq = (await run('ptq-int8', [{ step: 'quantize-int8', samples: 200 }])).ir;
      row('ptq-int8', ptq, (await evaluateOnHost(ptq, test)).referenceTop1, t0, 'int8 reference interpreter, 200 calibration images');
      const t1 = Date.now();
      const { ir, compression } = await run('qat-int8', [{ step: 'qat-int8', calibration_samples: 200, epochs: ep(1), lr: 1e-4, ...ft, val_samples: 1000 }]);
      const q = compression.steps[0] as PassReport & { accuracy_ptq?: number; accuracy_qat?: number };
      row('qat-int8', ir, (await evaluateOnHost(ir, test)).referenceTop1, t1, `held-out PTQ ${q.accuracy_ptq} → QAT ${q.accuracy_qat}`);
    }
    if (want('int4')) {
      const t0 = Date.now();
      const { ir } = await run('int4', [{ step: 'int4', samples: 200 }]);
      row('int4', ir, (await evaluateOnHost(ir, test)).referenceTop1, t0, 'per-channel 4-bit weights (MSE-optimal clipping), int8 activations');
    }
  }
  return { rows, device, tables, recipes, test_images: test.size, train_images: train.size, figures: bitsFigures(rows, device, test.size) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (k: string) => {
    const i = process.argv.indexOf(`--${k}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const result = await benchBits({
    quick: process.argv.includes('--quick'),
    parallel: !process.argv.includes('--sequential'),
    device: !process.argv.includes('--no-device'),
    models: arg('models')?.split(',') as ModelName[] | undefined,
    techniques: arg('techniques')?.split(','),
    testLimit: arg('test') ? Number(arg('test')) : undefined,
    trainLimit: arg('train') ? Number(arg('train')) : undefined,
    epochsScale: arg('epochs-scale') ? Number(arg('epochs-scale')) : undefined,
    samples: arg('samples') ? Number(arg('samples')) : undefined,
    onProgress: (m) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${m}\n`),
  });
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}
