// Defense benchmark (issue 6): MNIST CNN, 1000 test images. Undefended vs adversarially trained (PGD-L∞ and FGSM),
// each attacked by FGSM / PGD-L∞ / PGD-L2 / Square; float vs int8 on the host (and on mps2-an386 with --board);
// defend-then-compress vs compress-then-defend. Usage: npx tsx bench/defend.ts [--quick] [--board mps2-an386] [--samples N] [--models a,b] [--skip-order] [--json] [--out f]
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { limitDataset, type Dataset } from '../src/data/dataset.ts';
import { loadDataset } from '../src/data/load-dataset.ts';
import type { Graph } from '../src/ir/graph.ts';
import { loadModel } from '../src/import/index.ts';
import { exportOnnx } from '../src/import/onnx-export.ts';
import { runPipeline, passes, type Recipe } from '../src/compress/pipeline.ts';
import { adversarialTrain } from '../src/defend/adversarial-training.ts';
import { preprocessedSamples } from '../src/defend/attack.ts';
import { inputDomain } from '../src/defend/input-domain.ts';
import { measureRobustness, type RobustnessSubject } from '../src/defend/robustness.ts';
import { deviceSubject, floatSubject, referenceSubject } from '../src/defend/subjects.ts';
import { compileModel } from '../src/cli/steps.ts';
import { loadProject } from '../src/codegen/project.ts';
import { buildProject } from '../src/build/build-project.ts';
import { openDevice, type DeviceSession } from '../src/device/device-session.ts';
import { trainGraph } from '../src/train/train.ts';
import { mnistCnn } from '../examples/models.ts';

export interface DefendBenchOptions {
  /** Test images for white-box attacks (default 1000). */
  samples?: number;
  /** Training images used by adversarial training (default 8000), its T (default 3) and PGD steps when crafting (7). */
  trainSamples?: number;
  iterations?: number;
  trainSteps?: number;
  /** Square-attack samples and queries (default 50, 200). */
  querySamples?: number;
  queries?: number;
  /** Also stream the examples to this board (int8 model on the device). */
  board?: string;
  /** Smaller slices for a smoke run. */
  quick?: boolean;
  /** Measure only these of the undefended / adv-pgd / adv-fgsm models (default all), and skip the order comparison. */
  models?: string[];
  skipOrder?: boolean;
  log?: (s: string) => void;
}

export interface DefendBenchRow {
  model: string;
  trained_against: string;
  compression: string;
  attack: string;
  eps: number;
  where: string;
  transferred: boolean;
  clean_top1: number;
  robust_top1: number;
  samples: number;
}

const CACHE = join(tmpdir(), 'tinyforge-bench-defend');

/** The undefended CNN: examples/mnist-cnn/model.onnx when present, else trained here (cached between runs). */
async function baseModel(train: Dataset, log: (s: string) => void): Promise<Graph> {
  if (existsSync('examples/mnist-cnn/model.onnx')) return loadModel('examples/mnist-cnn/model.onnx');
  const cached = join(CACHE, 'mnist-cnn-base.onnx');
  if (existsSync(cached)) return loadModel(cached);
  // The machine is shared: 30k images × 2 epochs instead of the examples' full recipe.
  log('training the undefended mnist-cnn (30k images, 2 epochs) …');
  const r = await trainGraph(mnistCnn(1), limitDataset(train, 30000), { epochs: 2, batchSize: 64, learningRate: 2e-3, learningRateDecay: 0.75, seed: 1 });
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(cached, exportOnnx(r.graph));
  return loadModel(cached);
}

async function cachedDefence(key: string, make: () => Promise<Graph>): Promise<Graph> {
  const file = join(CACHE, `${key}.onnx`);
  if (existsSync(file)) return loadModel(file);
  const g = await make();
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(file, exportOnnx(g));
  return loadModel(file);
}

/** Compiles the int8 version of `g` for `boardId`, builds it and opens a session (QEMU for emulated boards). */
async function startBoard(g: Graph, boardId: string, log: (s: string) => void): Promise<{ session: DeviceSession; graph: Graph }> {
  mkdirSync(CACHE, { recursive: true });
  const modelPath = join(CACHE, `device-${boardId}.onnx`);
  writeFileSync(modelPath, exportOnnx(g));
  const outDir = join(CACHE, `device-${boardId}`);
  log(`compiling and building for ${boardId} …`);
  const c = await compileModel({ modelPath, boardId, quantize: 'int8', dataset: 'mnist', calibrationSamples: 200, outDir, force: true, lib: false });
  const project = loadProject(outDir);
  const fw = await buildProject(project, c.board);
  return { session: await openDevice(c.board, fw.elfPath), graph: project.graph };
}

export async function benchDefend(opts: DefendBenchOptions = {}): Promise<{ rows: DefendBenchRow[]; training: Record<string, unknown> }> {
  const log = opts.log ?? ((s: string) => process.stderr.write(s + '\n'));
  const quick = !!opts.quick;
  const samples = opts.samples ?? (quick ? 200 : 1000);
  const trainSamples = opts.trainSamples ?? (quick ? 2000 : 8000);
  const iterations = opts.iterations ?? (quick ? 2 : 3);
  const train = await loadDataset('mnist', { split: 'train' });
  const test = await loadDataset('mnist', { split: 'test', limit: samples });
  const trainSlice = await loadDataset('mnist', { split: 'train', limit: trainSamples });
  const base = await baseModel(train, log);
  const domain = inputDomain(base, test);
  const calibration = (() => {
    const { x } = preprocessedSamples(train, domain, base.metadata.preprocess, 200);
    return Array.from({ length: 200 }, (_, i) => ({ [domain.input]: x.subarray(i * domain.size, (i + 1) * domain.size) }));
  })();
  const compress = async (g: Graph, recipe: Recipe | string) => (await runPipeline(g, recipe, { data: { calibration, dataset: trainSlice } as never })).ir;
  const training: Record<string, unknown> = {};
  const defend = (g: Graph, attack: string, key: string) =>
    cachedDefence(`${key}-${trainSamples}-${iterations}-${opts.trainSteps ?? 7}`, async () => {
      log(`adversarial training against ${attack} (ε = 0.1, T = ${iterations}, ${trainSamples} images) …`);
      const r = await adversarialTrain(g, trainSlice, {
        attack, eps: 0.1, iterations, steps: opts.trainSteps ?? 7, seed: 7,
        onProgress: (p) => { if (p.done === p.total) log(`  iteration ${p.iteration}: ${p.phase} done`); },
      });
      training[key] = r.history;
      log(`  ${JSON.stringify(r.history)}`);
      return r.graph;
    });

  const models: { name: string; trainedAgainst: string; graph: Graph }[] = [
    { name: 'undefended', trainedAgainst: '-', graph: base },
    { name: 'adv-pgd', trainedAgainst: 'pgd', graph: await defend(base, 'pgd', 'adv-pgd') },
    { name: 'adv-fgsm', trainedAgainst: 'fgsm', graph: await defend(base, 'fgsm', 'adv-fgsm') },
  ];
  const rows: DefendBenchRow[] = [];
  const measure = async (name: string, trainedAgainst: string, compression: string, float: Graph, extra: RobustnessSubject[], floatCompression = 'none') => {
    const fs = floatSubject(float, domain);
    try {
      const rep = await measureRobustness({
        float, subjects: [fs, ...extra], dataset: test, attacks: ['fgsm', 'pgd', 'pgd-l2', 'square'], eps: [0.1], epsL2: [1.5],
        samples, steps: 20, querySamples: opts.querySamples ?? (quick ? 10 : 30), queries: opts.queries ?? 200, seed: 1,
        onProgress: (m, d, t) => { if (d === t) log(`  ${name}: ${m} done`); },
      });
      const clean = new Map(rep.models.map((m) => [m.model + m.where, m.clean_top1]));
      for (const r of rep.attacks) {
        rows.push({
          model: name, trained_against: trainedAgainst, compression: r.model === 'float' ? floatCompression : compression, attack: r.name, eps: r.eps,
          where: r.where, transferred: r.transferred, clean_top1: clean.get(r.model + r.where)!, robust_top1: r.robust_top1, samples: r.samples,
        });
      }
    } finally {
      fs.dispose();
    }
  };
  for (const m of models) {
    if (opts.models && !opts.models.includes(m.name)) continue;
    log(`measuring ${m.name} …`);
    const int8 = await compress(m.graph, 'int8');
    const subjects: RobustnessSubject[] = [referenceSubject(int8, 'int8')];
    // The adversarially trained model also runs on the board: the same images streamed over serial.
    const device = opts.board && m.name === 'adv-pgd' ? await startBoard(m.graph, opts.board, log) : undefined;
    if (device) subjects.push(deviceSubject(device.session, device.graph, 'int8'));
    try {
      await measure(m.name, m.trainedAgainst, 'int8', m.graph, subjects);
    } finally {
      await device?.session.close();
    }
  }
  // Order matters: prune then defend, vs defend then prune (both followed by int8). The pruning pass fine-tunes on
  // clean data, which can undo part of the defence; pruning first lets adversarial training repair it.
  if (passes['prune-weights'] && !opts.skipOrder) {
    const pruneStep = { step: 'prune-weights', sparsity: 0.7, steps: 1, epochs: 1, samples: Math.min(trainSamples, 5000), val_samples: 500 };
    log('order: prune-weights → adversarial vs adversarial (PGD-trained model) → prune-weights …');
    const pruned = await compress(base, [pruneStep]);
    const compressThenDefend = await defend(pruned, 'pgd', 'prune-then-adv');
    const defendThenCompress = await compress(models[1]!.graph, [pruneStep]);
    for (const [name, g] of [['prune-then-defend', compressThenDefend], ['defend-then-prune', defendThenCompress]] as const) {
      const int8 = await compress(g, 'int8');
      await measure(name, 'pgd', 'prune-weights 70%+int8', g, [referenceSubject(int8, 'int8')], 'prune-weights 70%');
    }
  }
  return { rows, training };
}

function markdown(rows: DefendBenchRow[]): string {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const head = '| model | trained against | compression | where | attack | ε | transferred | clean | robust | n |\n|---|---|---|---|---|---|---|---|---|---|';
  return [head, ...rows.map((r) => `| ${r.model} | ${r.trained_against} | ${r.compression} | ${r.where} | ${r.attack} | ${r.eps} | ${r.transferred ? 'yes' : 'no'} | ${pct(r.clean_top1)} | ${pct(r.robust_top1)} | ${r.samples} |`)].join('\n');
}

/** The targets, read off the rows: robust ≥ 80% and clean ≥ 98% after PGD training, int8 within 3 pt. */
export function defendChecks(rows: DefendBenchRow[]): string[] {
  const find = (model: string, attack: string, where: string, compression: string) =>
    rows.find((r) => r.model === model && r.attack === attack && r.where === where && r.compression === compression);
  const pct = (v: number | undefined) => (v === undefined ? 'n/a' : `${(v * 100).toFixed(1)}%`);
  const out: string[] = [];
  const und = find('undefended', 'pgd', 'host', 'none');
  const adv = find('adv-pgd', 'pgd', 'host', 'none');
  out.push(`undefended float: clean ${pct(und?.clean_top1)}, PGD-L∞ ε=0.1 (20 steps) robust ${pct(und?.robust_top1)}`);
  out.push(`PGD-trained float: clean ${pct(adv?.clean_top1)} (target ≥ 98%), robust ${pct(adv?.robust_top1)} (target ≥ 80%)`);
  for (const where of ['host', 'device']) {
    const q = find('adv-pgd', 'pgd', where, 'int8');
    if (q && adv) out.push(`PGD-trained int8 on ${where}: robust ${pct(q.robust_top1)}, ${((q.robust_top1 - adv.robust_top1) * 100).toFixed(1)} pt from float on the same images (target within 3 pt)`);
  }
  for (const m of ['adv-pgd', 'adv-fgsm']) {
    const own = rows.filter((r) => r.model === m && r.compression === 'none');
    const a = own.find((r) => r.attack === own[0]?.trained_against);
    const weakest = own.filter((r) => r !== a).sort((x, y) => x.robust_top1 - y.robust_top1)[0];
    if (a && weakest) out.push(`trained against ${a.attack}: ${pct(a.robust_top1)} under ${a.attack}, but ${pct(weakest.robust_top1)} under ${weakest.attack} (ε=${weakest.eps})`);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const arg = (k: string) => (argv.includes(k) ? argv[argv.indexOf(k) + 1] : undefined);
  const result = await benchDefend({
    quick: argv.includes('--quick'), board: arg('--board'), samples: arg('--samples') ? Number(arg('--samples')) : undefined,
    models: arg('--models')?.split(','), skipOrder: argv.includes('--skip-order'),
  });
  if (argv.includes("--json")) process.stdout.write(JSON.stringify({ ...result, checks: defendChecks(result.rows) }, null, 2) + "\n");
  else process.stdout.write(markdown(result.rows) + '\n\n' + defendChecks(result.rows).map((l) => `- ${l}`).join('\n') + '\n');
  const out = arg('--out');
  if (out) writeFileSync(out, JSON.stringify({ ...result, checks: defendChecks(result.rows) }, null, 2) + '\n');
}
