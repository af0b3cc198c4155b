// Trains the example models with a fixed seed and writes examples/<name>/model.onnx and README.md (`npm run examples:train`).
// Usage: npm run examples:train [-- <name>...] [--ir-out <dir>] [--from-ir <dir> [--skip-phases k]]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../src/data/load-dataset.ts';
import type { Graph } from '../src/ir/graph.ts';
import { exportOnnx } from '../src/import/onnx-export.ts';
import { graphStats } from '../src/ir/stats.ts';
import { initBackend } from '../src/train/backend.ts';
import { evaluate } from '../src/train/evaluate.ts';
import { trainGraph, type TrainOptions } from '../src/train/train.ts';
import { loadIrJson, saveIrJson } from '../src/ir/serialize.ts';
import { mnistCnn, mnistLenet300 } from './models.ts';
import { randomShift } from '../src/train/augment.ts';

/** One training phase; `shift` = fine-tune with random ±shift-pixel translations (seeded by the phase seed). */
type Phase = Omit<TrainOptions, 'onProgress' | 'transformBatch'> & { seed: number; shift?: number };

interface Recipe {
  build: (seed: number) => Graph;
  seed: number;
  phases: Phase[];
  description: string;
}

const RECIPES: Record<string, Recipe> = {
  'mnist-lenet300': {
    build: mnistLenet300,
    seed: 1,
    phases: [{ epochs: 12, batchSize: 64, learningRate: 1e-3, learningRateDecay: 0.75, optimizer: 'adam', seed: 1 }],
    description: 'LeNet-300-100: a fully connected 784-300-100-10 network with ReLU and a softmax output.',
  },
  'mnist-cnn': {
    build: mnistCnn,
    seed: 1,
    phases: [
      { epochs: 10, batchSize: 64, learningRate: 2e-3, learningRateDecay: 0.75, optimizer: 'adam', seed: 1 },
      // Plain training ends at 98.72%; a short fine-tune on shifted digits closes part of the train/test gap.
      { epochs: 3, batchSize: 64, learningRate: 5e-4, learningRateDecay: 0.5, optimizer: 'adam', seed: 2, shift: 2 },
    ],
    description:
      'A micro:bit-sized CNN: conv 3×3×8 (pad 1) → ReLU → maxpool 2 → conv 3×3×16 (pad 1) → ReLU → maxpool 2 → dense 10 → softmax.',
  },
};

const here = dirname(fileURLToPath(import.meta.url));
const log = (s: string) => process.stderr.write(s + '\n');

function parseArgs(argv: string[]) {
  const names: string[] = [];
  const opts: { irOut?: string; fromIr?: string; skipPhases?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--ir-out') opts.irOut = argv[++i];
    else if (a === '--from-ir') opts.fromIr = argv[++i];
    else if (a === '--skip-phases') opts.skipPhases = Number(argv[++i]);
    else names.push(a);
  }
  return { names: names.length ? names : Object.keys(RECIPES), ...opts };
}

interface TrainingRecord {
  backend: string;
  seconds: number[];
}

function describePhase(p: Phase): string {
  const aug = p.shift ? `random ±${p.shift}-pixel shifts` : 'no augmentation';
  return `${p.epochs} epochs, Adam, learning rate ${p.learningRate} × ${p.learningRateDecay ?? 1} per epoch, batch ${p.batchSize}, shuffle seed ${p.seed}, ${aug}`;
}

function readme(name: string, r: Recipe, g: Graph, top1: number, correct: number, rec: TrainingRecord): string {
  const s = graphStats(g);
  const layers = s.layers.map((l) => `| ${l.node} | ${l.op} | [${l.outputShape}] | ${l.params.toLocaleString('en-US')} | ${l.macs.toLocaleString('en-US')} |`);
  const phases = r.phases.map((p, i) => `${i + 1}. ${describePhase(p)} (${rec.seconds[i] ?? '?'} s)`);
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

Trained by tinyforge's own training loop (\`src/train/train.ts\`) on the 60,000 MNIST training images, weights
initialised He-normal with seed ${r.seed}, tfjs backend \`${rec.backend}\` (on a shared 2-core machine):
${phases.join('\n')}

| layer | op | output | params | MACs |
|---|---|---|---|---|
${layers.join('\n')}

Reproduce: \`npm run examples:train -- ${name}\` (same seeds and backend give the same weights).
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
    let g: Graph;
    let rec: TrainingRecord = { backend, seconds: [] };
    let first = 0;
    if (args.fromIr) {
      // Weights (and training record) from a saved run; metadata such as the ONNX layout from the current recipe.
      // With --skip-phases k, training continues with phase k+1 (phases are seeded, so this equals a full run).
      g = loadIrJson(join(args.fromIr, `${name}.json`));
      rec = (g.metadata.training as TrainingRecord | undefined) ?? rec;
      g.metadata = { ...r.build(r.seed).metadata };
      first = args.skipPhases ?? r.phases.length;
      rec.seconds = rec.seconds.slice(0, first);
    } else {
      g = r.build(r.seed);
    }
    for (let i = first; i < r.phases.length; i++) {
      const { shift, ...phase } = r.phases[i]!;
      log(`${name}: phase ${i + 1}: ${describePhase(r.phases[i]!)}`);
      const t0 = performance.now();
      const result = await trainGraph(g, train, {
        ...phase,
        ...(shift ? { transformBatch: randomShift(shift, phase.seed, [28, 28, 1]) } : {}),
        onProgress: (e, b, loss, acc) => {
          if (b % 200 === 0) log(`  epoch ${e + 1} batch ${b} loss ${loss.toFixed(4)} acc ${(acc * 100).toFixed(2)}%`);
        },
      });
      for (const h of result.history) log(`  epoch ${h.epoch + 1}: loss ${h.loss.toFixed(4)} train acc ${(h.acc * 100).toFixed(2)}% (${h.seconds.toFixed(0)} s)`);
      g = result.graph;
      rec = { backend: result.backend, seconds: [...rec.seconds, Math.round((performance.now() - t0) / 1000)] };
    }
    g.metadata.training = rec;
    if (args.irOut) {
      mkdirSync(args.irOut, { recursive: true });
      saveIrJson(g, join(args.irOut, `${name}.json`));
    }
    const ev = await evaluate(g, test);
    log(`${name}: top-1 ${(ev.top1 * 100).toFixed(2)}% on ${ev.samples} test images`);
    const dir = join(here, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.onnx'), exportOnnx(g));
    writeFileSync(join(dir, 'README.md'), readme(name, r, g, ev.top1, ev.correct, rec));
  }
}

await main();
