// Trains the example models with a fixed seed and writes examples/<name>/model.onnx and README.md (`npm run examples:train`).
// Usage: npm run examples:train [-- <name>...] [--ir-out <dir>] [--from-ir <dir>] [--epochs N]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../src/data/dataset.ts';
import type { Graph } from '../src/ir/graph.ts';
import { exportOnnx } from '../src/import/onnx-export.ts';
import { graphStats } from '../src/ir/stats.ts';
import { initBackend } from '../src/train/backend.ts';
import { evaluate } from '../src/train/evaluate.ts';
import { trainGraph, type TrainOptions } from '../src/train/train.ts';
import { loadIrJson, saveIrJson } from './ir-json.ts';
import { mnistCnn, mnistLenet300 } from './models.ts';

interface Recipe {
  build: (seed: number) => Graph;
  seed: number;
  train: Omit<TrainOptions, 'onProgress' | 'seed'>;
  description: string;
}

const RECIPES: Record<string, Recipe> = {
  'mnist-lenet300': {
    build: mnistLenet300,
    seed: 1,
    train: { epochs: 12, batchSize: 64, learningRate: 1e-3, learningRateDecay: 0.75, optimizer: 'adam' },
    description: 'LeNet-300-100: a fully connected 784-300-100-10 network with ReLU and a softmax output.',
  },
  'mnist-cnn': {
    build: mnistCnn,
    seed: 1,
    train: { epochs: 10, batchSize: 64, learningRate: 2e-3, learningRateDecay: 0.75, optimizer: 'adam' },
    description:
      'A micro:bit-sized CNN: conv 3×3×8 (pad 1) → ReLU → maxpool 2 → conv 3×3×16 (pad 1) → ReLU → maxpool 2 → dense 10 → softmax.',
  },
};

const here = dirname(fileURLToPath(import.meta.url));
const log = (s: string) => process.stderr.write(s + '\n');

function parseArgs(argv: string[]) {
  const names: string[] = [];
  const opts: { irOut?: string; fromIr?: string; epochs?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--ir-out') opts.irOut = argv[++i];
    else if (a === '--from-ir') opts.fromIr = argv[++i];
    else if (a === '--epochs') opts.epochs = Number(argv[++i]);
    else names.push(a);
  }
  return { names: names.length ? names : Object.keys(RECIPES), ...opts };
}


function readme(name: string, r: Recipe, g: Graph, top1: number, correct: number, backend: string, epochs: number, seconds: number): string {
  const s = graphStats(g);
  const layers = s.layers.map((l) => `| ${l.node} | ${l.op} | [${l.outputShape}] | ${l.params.toLocaleString('en-US')} | ${l.macs.toLocaleString('en-US')} |`);
  return `# ${name}

${r.description}

| | |
|---|---|
| top-1 on the full MNIST test set (10,000 images) | **${(top1 * 100).toFixed(2)}%** (${correct} correct) |
| parameters | ${s.totals.params.toLocaleString('en-US')} |
| MACs per inference | ${s.totals.macs.toLocaleString('en-US')} |
| input | \`input\` [1, 1, 28, 28] float32 in the ONNX file (NCHW, as PyTorch exports MNIST models); tinyforge's IR holds it as NHWC [1, 28, 28, 1], the same memory order for one channel |
| preprocessing | x = pixel / 255 (pixels 0..255; mean 0, std 1), recorded in the graph metadata |
| output | \`probs\` [1, 10] softmax probabilities (the logits are the input of the final Softmax) |

Trained by tinyforge's own training loop (\`src/train/train.ts\`): Adam, learning rate ${r.train.learningRate}
× ${r.train.learningRateDecay} per epoch, batch ${r.train.batchSize}, ${epochs} epochs on the 60,000 training images,
no augmentation, seed ${r.seed} (weight init and shuffling), tfjs backend \`${backend}\`, ${Math.round(seconds)} s.

| layer | op | output | params | MACs |
|---|---|---|---|---|
${layers.join('\n')}

Reproduce: \`npm run examples:train -- ${name}\` (same seed and backend give the same weights).
Check: \`tinyforge inspect examples/${name}/model.onnx\`, \`tinyforge eval examples/${name}/model.onnx --dataset mnist\`.
`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const backend = await initBackend();
  log(`tfjs backend: ${backend}`);
  const train = await loadDataset('mnist', { split: 'train' });
  const test = await loadDataset('mnist', { split: 'test' });
  for (const name of args.names) {
    const r = RECIPES[name];
    if (!r) throw new Error(`unknown example "${name}"; known: ${Object.keys(RECIPES).join(', ')}`);
    const epochs = args.epochs ?? r.train.epochs;
    const t0 = performance.now();
    let g: Graph;
    if (args.fromIr) {
      // Weights (and training record) from the saved run; metadata such as the ONNX layout from the current recipe.
      g = loadIrJson(join(args.fromIr, `${name}.json`));
      g.metadata = { ...r.build(r.seed).metadata, training: g.metadata.training };
    } else {
      log(`${name}: training ${epochs} epochs`);
      const result = await trainGraph(r.build(r.seed), train, {
        ...r.train,
        epochs,
        seed: r.seed,
        onProgress: (e, b, loss, acc) => {
          if (b % 200 === 0) log(`  epoch ${e + 1} batch ${b} loss ${loss.toFixed(4)} acc ${(acc * 100).toFixed(2)}%`);
        },
      });
      for (const h of result.history) log(`  epoch ${h.epoch + 1}: loss ${h.loss.toFixed(4)} train acc ${(h.acc * 100).toFixed(2)}% (${h.seconds.toFixed(0)} s)`);
      g = result.graph;
      g.metadata.training = { backend: result.backend, epochs, seed: r.seed, seconds: Math.round((performance.now() - t0) / 1000) };
      if (args.irOut) {
        mkdirSync(args.irOut, { recursive: true });
        saveIrJson(g, join(args.irOut, `${name}.json`));
      }
    }
    const trained = g.metadata.training as { backend: string; epochs: number; seconds: number };
    const ev = await evaluate(g, test);
    log(`${name}: top-1 ${(ev.top1 * 100).toFixed(2)}% on ${ev.samples} test images`);
    const dir = join(here, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.onnx'), exportOnnx(g));
    writeFileSync(join(dir, 'README.md'), readme(name, r, g, ev.top1, ev.correct, trained.backend, trained.epochs, trained.seconds));
  }
}

await main();
