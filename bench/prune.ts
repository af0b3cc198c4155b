// Full-MNIST figures for issue 5: structured pruning of LeNet-300-100 (≥5× params/MACs, ≤0.5 pt) and of the CNN
// (≥3× MACs), depthwise-separable + distillation (≥3× fewer conv params), and distillation vs labels-only students.
// Usage: node --import tsx bench/prune.ts [--quick] [--seeds N] [--train-samples N] [--only lenet,cnn,depthwise,distill] [--use-examples] [--json out.json]   (or import { benchPrune })
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { distillTrain, thinnerCopy } from '../src/compress/distill.ts';
import { convParams, depthwiseSeparable } from '../src/compress/depthwise-separable.ts';
import { createLog } from '../src/compress/pass.ts';
import { validateRecipe } from '../src/compress/pipeline.ts';
import { sliceDataset } from '../src/compress/prune-finetune.ts';
import { meanStd } from '../src/compress/prune-lottery.ts';
import { pruneStructured } from '../src/compress/prune-structured.ts';
import { loadDataset, type Dataset } from '../src/data/dataset.ts';
import type { Graph } from '../src/ir/graph.ts';
import { graphStats } from '../src/ir/stats.ts';
import { loadModel } from '../src/import/index.ts';
import { initBackend } from '../src/train/backend.ts';
import { evaluate } from '../src/train/evaluate.ts';
import { trainGraph } from '../src/train/train.ts';
import { mnistCnn, mnistLenet300 } from '../examples/models.ts';

export interface BenchPruneOptions {
  /** Small data and few epochs (smoke run); the issue's figures need the full run. */
  quick?: boolean;
  seeds?: number;
  /** Training / fine-tuning samples from the train split (default: all 60k; the last `val` are held out). Tests always use the full 10k test set unless quick. */
  trainSamples?: number;
  /** Start from examples/<name>/model.onnx. Off by default: those saw all 60k training images, so no held-out split
   *  is left for the passes' accuracy checks (their baseline is then a training-set figure no fine-tune can match). */
  useExamples?: boolean;
  /** Run only these parts (default all). */
  only?: ('lenet' | 'cnn' | 'depthwise' | 'distill')[];
  onProgress?: (m: string) => void;
}

export interface BenchRow {
  name: string;
  metric: string;
  before: number;
  after: number;
  ratio: number;
  top1_before: number;
  top1_after: number;
  /** Top-1 loss in points (before − after). */
  loss_pt: number;
  goal: string;
  met: boolean;
  note?: string;
}

const here = fileURLToPath(new URL('.', import.meta.url));

/** The example architecture trained here on the bench's training slice (seeded), or the committed example model. */
async function baseModel(name: 'mnist-lenet300' | 'mnist-cnn', train: Dataset, epochs: number, useExamples: boolean, say: (m: string) => void): Promise<Graph> {
  const file = `${here}../examples/${name}/model.onnx`;
  if (useExamples && existsSync(file)) return loadModel(file);
  say(`${name}: training the example architecture on the bench's training slice (${epochs} epochs)`);
  const g = name === 'mnist-lenet300' ? mnistLenet300(1) : mnistCnn(1);
  return (await trainGraph(g, train, { epochs, batchSize: 64, learningRate: name === 'mnist-cnn' ? 2e-3 : 1e-3, learningRateDecay: 0.75, seed: 1 })).graph;
}

export async function benchPrune(opts: BenchPruneOptions = {}): Promise<BenchRow[]> {
  const say = opts.onProgress ?? (() => {});
  const q = opts.quick ?? false;
  await initBackend();
  const train = await loadDataset('mnist', { split: 'train', limit: q ? 6000 : opts.trainSamples });
  const test = await loadDataset('mnist', { split: 'test', limit: q ? 2000 : undefined });
  // Training runs on the first part of the train split; the pass keeps the end of it as its held-out set.
  const val = q ? 1000 : Math.min(5000, Math.floor(train.size / 6));
  const samples = train.size - val;
  const fitData = sliceDataset(train, 0, samples);
  const top1 = async (g: Graph) => (await evaluate(g, test)).top1;
  const rows: BenchRow[] = [];
  const add = (r: Omit<BenchRow, 'ratio' | 'loss_pt' | 'met'>, pass: (ratio: number, loss: number) => boolean) => {
    const ratio = r.before / Math.max(1, r.after);
    const loss = (r.top1_before - r.top1_after) * 100;
    const row = { ...r, ratio, loss_pt: loss, met: pass(ratio, loss) };
    rows.push(row);
    say(`${row.name}: ${row.metric} ${row.before} → ${row.after} (${ratio.toFixed(2)}×), top-1 ${(row.top1_before * 100).toFixed(2)} → ${(row.top1_after * 100).toFixed(2)} (${row.met ? 'met' : 'NOT met'}: ${row.goal})`);
  };
  const log = createLog((m) => say(m));
  const data = { dataset: train };

  const want = (part: 'lenet' | 'cnn' | 'depthwise' | 'distill') => !opts.only || opts.only.includes(part);
  const lenet = await baseModel('mnist-lenet300', fitData, q ? 2 : 5, opts.useExamples ?? false, say);
  const cnn = want('cnn') || want('depthwise') ? await baseModel('mnist-cnn', fitData, q ? 2 : 4, opts.useExamples ?? false, say) : lenet;
  say(`train ${samples} + held-out ${val} of the train split; test ${test.size}`);
  const lenetTop1 = await top1(lenet);
  const cnnTop1 = await top1(cnn);

  // 1. LeNet-300-100 structured: ≥ 5× fewer params and MACs, ≤ 0.5 pt.
  if (want('lenet')) {
    const p = validateRecipe([{ step: 'prune-structured', target: 'params', reduction: 5.2, step_fraction: 0.25, tolerance: 0.004, epochs: q ? 1 : 1, final_epochs: q ? 1 : 3, samples, val_samples: val, lr: 5e-4 }])[0]!;
    const { ir } = await pruneStructured.run(lenet, { params: p, data }, log);
    const [a, b] = [graphStats(lenet).totals, graphStats(ir).totals];
    const t = await top1(ir);
    add({ name: 'lenet300 structured (params)', metric: 'params', before: a.params, after: b.params, top1_before: lenetTop1, top1_after: t, goal: '≥5× params, ≤0.5 pt' }, (r, l) => r >= 5 && l <= 0.5);
    add({ name: 'lenet300 structured (MACs)', metric: 'macs', before: a.macs, after: b.macs, top1_before: lenetTop1, top1_after: t, goal: '≥5× MACs, ≤0.5 pt' }, (r, l) => r >= 5 && l <= 0.5);
  }
  // 2. CNN structured: ≥ 3× fewer MACs, ≤ 0.5 pt.
  if (want('cnn')) {
    const p = validateRecipe([{ step: 'prune-structured', target: 'macs', reduction: 3.1, step_fraction: 0.2, tolerance: 0.004, epochs: 1, final_epochs: q ? 1 : 3, samples, val_samples: val, lr: 1e-3 }])[0]!;
    const { ir } = await pruneStructured.run(cnn, { params: p, data }, log);
    add({ name: 'cnn structured', metric: 'macs', before: graphStats(cnn).totals.macs, after: graphStats(ir).totals.macs, top1_before: cnnTop1, top1_after: await top1(ir), goal: '≥3× MACs, ≤0.5 pt' }, (r, l) => r >= 3 && l <= 0.5);
  }
  // 3. CNN depthwise-separable + distillation: ≥ 3× fewer conv params, ≤ 0.5 pt.
  if (want('depthwise')) {
    const p = validateRecipe([{ step: 'depthwise', epochs: q ? 1 : 4, samples, val_samples: val, lr: 1e-3, calibration_samples: 512 }])[0]!;
    const { ir } = await depthwiseSeparable.run(cnn, { params: p, data }, log);
    add({ name: 'cnn depthwise + distill', metric: 'conv params', before: convParams(cnn), after: convParams(ir), top1_before: cnnTop1, top1_after: await top1(ir), goal: '≥3× conv params, ≤0.5 pt' }, (r, l) => r >= 3 && l <= 0.5);
  }
  // 4. Distillation: a ≤ 1/4-size student beats the same student on labels alone (same epochs), over seeds.
  if (want('distill')) {
    const seeds = opts.seeds ?? 3;
    const epochs = q ? 1 : 3;
    const kd: number[] = [];
    const plain: number[] = [];
    let studentParams = 0;
    for (let s = 1; s <= seeds; s++) {
      const student = thinnerCopy(lenet, 0.25, 100 + s);
      studentParams = graphStats(student).totals.params;
      const o = { epochs, lr: 1e-3, batchSize: 64, seed: s, temperature: 4, alpha: 0.7 };
      kd.push(await top1(await distillTrain(student, [lenet], fitData, o)));
      plain.push(await top1(await distillTrain(student, [lenet], fitData, { ...o, alpha: 0 })));
      say(`distill seed ${s}: distilled ${(kd.at(-1)! * 100).toFixed(2)}, labels only ${(plain.at(-1)! * 100).toFixed(2)}`);
    }
    const [k, l] = [meanStd(kd), meanStd(plain)];
    add({
      name: `distill student (${seeds} seeds)`, metric: 'params', before: graphStats(lenet).totals.params, after: studentParams,
      top1_before: l.mean, top1_after: k.mean, goal: 'student ≤1/4 params; distilled beats labels-only',
      note: `distilled ${(k.mean * 100).toFixed(2)} ± ${(k.std * 100).toFixed(2)}, labels-only ${(l.mean * 100).toFixed(2)} ± ${(l.std * 100).toFixed(2)} (top1_before = labels-only, top1_after = distilled)`,
    }, (r, loss) => r >= 4 && loss < 0);
  }
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const out = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
  const seeds = args.includes('--seeds') ? Number(args[args.indexOf('--seeds') + 1]) : undefined;
  const trainSamples = args.includes('--train-samples') ? Number(args[args.indexOf('--train-samples') + 1]) : undefined;
  const only = args.includes('--only') ? (args[args.indexOf('--only') + 1]!.split(',') as BenchPruneOptions['only']) : undefined;
  const rows = await benchPrune({ quick: args.includes('--quick'), useExamples: args.includes('--use-examples'), seeds, trainSamples, only, onProgress: (m) => process.stderr.write(m + '\n') });
  if (out) writeFileSync(out, JSON.stringify(rows, null, 2) + '\n');
  for (const r of rows) {
    process.stdout.write(`${r.met ? 'ok  ' : 'MISS'} ${r.name}: ${r.metric} ${r.before} → ${r.after} (${r.ratio.toFixed(2)}×), top-1 ${(r.top1_before * 100).toFixed(2)} → ${(r.top1_after * 100).toFixed(2)} (${r.loss_pt.toFixed(2)} pt)${r.note ? ` — ${r.note}` : ''}\n`);
  }
}
