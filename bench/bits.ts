// Benchmarks issue 4's figures on MNIST: Deep Compression (prune → cluster → Huffman), BinaryConnect, QAT vs PTQ int8
// and int4, on LeNet-300-100 and the example CNN. Rows give top-1 on the test set and weight bytes vs float32.
// Usage: node --import tsx bench/bits.ts [--models lenet300,cnn] [--test 10000] [--train 60000] [--epochs-scale 1]
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, type Dataset } from '../src/data/dataset.ts';
import { applyPreprocess } from '../src/data/preprocess.ts';
import { importOnnx } from '../src/import/onnx.ts';
import type { Graph, TensorData } from '../src/ir/graph.ts';
import { loadIrJson, saveIrJson } from '../src/ir/serialize.ts';
import { runPipeline, type Recipe } from '../src/compress/pipeline.ts';
import { weightRatio } from '../src/compress/deep-compression-table.ts';
import { createLog, type PassReport } from '../src/compress/pass.ts';
import { evaluateOnHost } from '../src/reference/evaluate.ts';
import { evaluate } from '../src/train/evaluate.ts';
import { trainGraph } from '../src/train/train.ts';
import { mnistCnn, mnistLenet300 } from '../examples/models.ts';

export interface BenchBitsOptions {
  models?: ('lenet300' | 'cnn')[];
  /** Test images for top-1 (the figures use all 10,000). */
  testLimit?: number;
  /** Training images for fine-tuning and training (60,000 = all). */
  trainLimit?: number;
  /** Multiplies every epoch count (smoke runs: 0.1). */
  epochsScale?: number;
  techniques?: string[];
  cacheDir?: string;
  onProgress?: (message: string) => void;
}

export interface BenchBitsRow {
  model: string;
  technique: string;
  top1_float: number;
  top1: number;
  delta_pt: number;
  float32_bytes: number;
  deployed_bytes: number;
  ratio: number;
  seconds: number;
  detail: string;
}

const MODELS = {
  lenet300: { build: mnistLenet300, example: 'examples/mnist-lenet300/model.onnx', epochs: 4 },
  cnn: { build: mnistCnn, example: 'examples/mnist-cnn/model.onnx', epochs: 4 },
} as const;

/** The example model when it is committed, else trained here (seeded) and cached. */
async function floatModel(name: keyof typeof MODELS, train: Dataset, o: Required<Pick<BenchBitsOptions, 'epochsScale' | 'cacheDir'>>, say: (m: string) => void): Promise<Graph> {
  const m = MODELS[name];
  if (existsSync(m.example)) return importOnnx(new Uint8Array(readFileSync(m.example)), m.example);
  const cache = join(o.cacheDir, `${name}-float-${train.size}-${o.epochsScale}.tfir.json`);
  if (existsSync(cache)) return loadIrJson(cache);
  const epochs = Math.max(1, Math.round(m.epochs * o.epochsScale));
  say(`${name}: training the float model (${epochs} epochs on ${train.size} images)`);
  const g = (await trainGraph(m.build(1), train, { epochs, batchSize: 64, learningRate: 1e-3, learningRateDecay: 0.7, seed: 1 })).graph;
  mkdirSync(o.cacheDir, { recursive: true });
  saveIrJson(g, cache);
  return g;
}

export async function benchBits(opts: BenchBitsOptions = {}): Promise<BenchBitsRow[]> {
  const o = { models: opts.models ?? ['lenet300', 'cnn'], testLimit: opts.testLimit ?? 10000, trainLimit: opts.trainLimit ?? 60000, epochsScale: opts.epochsScale ?? 1, cacheDir: opts.cacheDir ?? 'out/bench-cache' };
  const say = opts.onProgress ?? (() => {});
  const want = (t: string) => !opts.techniques || opts.techniques.includes(t);
  const test = await loadDataset('mnist', { split: 'test', limit: o.testLimit });
  const train = await loadDataset('mnist', { split: 'train', limit: o.trainLimit });
  const ep = (e: number) => Math.max(0.1, Math.round(e * o.epochsScale * 10) / 10);
  const samples = train.size - 2000;
  const ft = { samples, val_samples: 2000, batch_size: 64, seed: 1 };
  const rows: BenchBitsRow[] = [];
  for (const name of o.models) {
    const float = await floatModel(name, train, o, say);
    const top1Float = (await evaluate(float, test)).top1;
    say(`${name}: float top-1 ${(100 * top1Float).toFixed(2)}%`);
    const calibration: Record<string, TensorData>[] = Array.from({ length: 200 }, (_, i) => ({ [float.inputs[0]]: applyPreprocess(train.get(i).x, float.metadata.preprocess) }));
    const data = { dataset: train, calibration };
    const log = createLog((m) => say(`  ${m}`));
    const row = (technique: string, g: Graph, top1: number, t0: number, detail: string) => {
      const r = weightRatio(g);
      const out: BenchBitsRow = {
        model: name, technique, top1_float: top1Float, top1, delta_pt: Math.round((top1 - top1Float) * 10000) / 100,
        float32_bytes: r.float32_bytes, deployed_bytes: r.deployed_bytes, ratio: r.ratio, seconds: Math.round((Date.now() - t0) / 1000), detail,
      };
      rows.push(out);
      say(`${name} ${technique}: top-1 ${(100 * top1).toFixed(2)}% (${out.delta_pt >= 0 ? '+' : ''}${out.delta_pt} pt), ${r.deployed_bytes} B, ${r.ratio}× — ${detail}`);
    };
    const run = async (recipe: Recipe) => runPipeline(float, recipe, { data, log });

    if (want('deep-compression')) {
      const t0 = Date.now();
      const dense = name === 'lenet300';
      const recipe: Recipe = [
        { step: 'prune-weights', sparsity: dense ? 0.92 : 0.75, scope: 'global', steps: 4, epochs: ep(dense ? 3 : 4), lr: 5e-4, ...ft },
        { step: 'cluster', bits: dense ? 5 : 5, conv_bits: dense ? 0 : 6, epochs: ep(1), lr: 1e-4, ...ft },
        { step: 'huffman' },
      ];
      const { ir, compression } = await run(recipe);
      const top1 = (await evaluate(ir, test)).top1;
      const table = compression.steps[2].layers.map((l) => `${l.node}: kept ${l.weights_kept_percent}%, ${l.bits_per_weight} b/w, ${l.bits_per_index_huffman ?? '-'} b/idx, ${l.bits_per_gap_huffman ?? '-'} b/gap, ${l.bytes_after} B`).join('; ');
      row('deep-compression', ir, top1, t0, table);
      saveIrJson(ir, join(o.cacheDir, `${name}-deep-compression.tfir.json`));
    }
    if (want('binary')) {
      const t0 = Date.now();
      const { ir } = await run([{ step: 'binary', epochs: ep(3), lr: 1e-3, keep_last: true, ...ft }, { step: 'fp16' }]);
      row('binary (last layer fp16)', ir, (await evaluate(ir, test)).top1, t0, 'BinaryConnect deterministic, α per channel');
      saveIrJson(ir, join(o.cacheDir, `${name}-binary.tfir.json`));
    }
    if (want('qat-int8')) {
      const t0 = Date.now();
      const ptq = (await run([{ step: 'quantize-int8', samples: 200 }])).ir;
      const ptqTop1 = (await evaluateOnHost(ptq, test)).referenceTop1;
      row('ptq-int8', ptq, ptqTop1, t0, 'int8 reference interpreter');
      const t1 = Date.now();
      const { ir, compression } = await run([{ step: 'qat-int8', calibration_samples: 200, epochs: ep(1), lr: 1e-4, ...ft, val_samples: 1000 }]);
      const q = compression.steps[0] as PassReport & { accuracy_ptq?: number; accuracy_qat?: number };
      row('qat-int8', ir, (await evaluateOnHost(ir, test)).referenceTop1, t1, `held-out PTQ ${q.accuracy_ptq} → QAT ${q.accuracy_qat}`);
    }
    if (want('int4')) {
      const t0 = Date.now();
      const { ir } = await run([{ step: 'int4', samples: 200 }]);
      row('int4', ir, (await evaluateOnHost(ir, test)).referenceTop1, t0, 'per-channel 4-bit weights, int8 activations');
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (k: string) => {
    const i = process.argv.indexOf(`--${k}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const rows = await benchBits({
    models: arg('models')?.split(',') as BenchBitsOptions['models'],
    techniques: arg('techniques')?.split(','),
    testLimit: arg('test') ? Number(arg('test')) : undefined,
    trainLimit: arg('train') ? Number(arg('train')) : undefined,
    epochsScale: arg('epochs-scale') ? Number(arg('epochs-scale')) : undefined,
    onProgress: (m) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${m}\n`),
  });
  process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
}
