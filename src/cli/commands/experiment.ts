// `tinyforge experiment lottery`: the lottery ticket vs Scratch-E / Scratch-B table of the lecture notes, measured
// here on a slice of the dataset (flags scale it up), for unstructured and structured pruning, mean ± std over seeds.
import type { Command } from 'commander';
import { TinyforgeError } from '../../diagnostics.ts';
import { LOTTERY_COLUMNS, meanStd } from '../../compress/lottery-columns.ts';
import type { LotteryRow } from '../../compress/prune-lottery.ts';
import { log, phaseProgress, printJson, table } from '../output.ts';
import { datasetOptions, loadDatasetFor, type DatasetFlags } from '../dataset-options.ts';
import { preprocessOptions } from './compile.ts';

interface LotteryFlags extends DatasetFlags {
  dataset: string;
  inputScale?: string;
  mean?: string;
  std?: string;
  seeds: number;
  epochs: number;
  trainSamples: number;
  testSamples: number;
  sparsity: number;
  channelFraction: number;
  fineTuneEpochs: number;
  scratchBCap: number;
  lr: number;
  batchSize: number;
  json?: boolean;
}

const num =
  (name: string, min: number, max: number, integer = false) =>
  (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      throw new TinyforgeError('bad-argument', `--${name} ${v}: must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`, {
        hint: `e.g. --${name} ${min}`,
      });
    }
    return n;
  };

const cell = (v: number[]) => {
  const { mean, std } = meanStd(v);
  return `${(mean * 100).toFixed(2)} (±${(std * 100).toFixed(2)})`;
};

export function lotteryTable(rows: LotteryRow[]): string {
  return table(
    ['pruning', 'kept', 'Unpruned', 'Fine-tuned', 'Lottery (orig. init)', 'Scratch-E', 'Scratch-B', 'B epochs'],
    rows.map((r) => [r.kind, `${(r.kept * 100).toFixed(1)}%`, ...LOTTERY_COLUMNS.map((c) => cell(r.runs[c])), r.scratchBEpochs]),
  );
}

export function register(program: Command): void {
  const experiment = program
    .command('experiment')
    .description('run a compression experiment from the lecture notes')
    .addHelpText('after', '\nExample:\n  $ tinyforge experiment lottery examples/mnist-lenet300/model.onnx --dataset mnist --seeds 3');
  const lottery = experiment
    .command('lottery')
    .description(
      'prune, then retrain the pruned net from its original init (lottery ticket), a fresh init (Scratch-E) and a fresh init with the same compute (Scratch-B)',
    )
    .argument('<model>', 'model whose architecture is used (.onnx, model.json or .tflite); weights are re-initialised per seed');
  datasetOptions(preprocessOptions(lottery), 'training and test data', { required: true })
    .option('--seeds <n>', 'seeds per cell (≥ 3 for a meaningful ± std)', num('seeds', 1, 100, true), 3)
    .option('--epochs <n>', 'training epochs of the dense net and of each retraining', num('epochs', 1, 1000, true), 3)
    .option('--train-samples <n>', 'training samples (first of the train split)', num('train-samples', 100, 1e7, true), 5000)
    .option('--test-samples <n>', 'test samples (first of the test split)', num('test-samples', 100, 1e7, true), 2000)
    .option('--sparsity <f>', 'unstructured: fraction of weights pruned per layer', num('sparsity', 0, 0.999), 0.8)
    .option(
      '--channel-fraction <f>',
      'structured: fraction of neurons / filters removed per hidden layer',
      num('channel-fraction', 0, 0.95),
      0.5,
    )
    .option('--fine-tune-epochs <n>', "epochs for the 'Fine-tuned' column", num('fine-tune-epochs', 1, 1000, true), 1)
    .option('--scratch-b-cap <x>', 'Scratch-B trains at most this many times the epochs', num('scratch-b-cap', 1, 100), 2)
    .option('--lr <x>', 'Adam learning rate', num('lr', 1e-6, 1), 2e-3)
    .option('--batch-size <n>', 'mini-batch size', num('batch-size', 1, 4096, true), 64)
    .option('--json', 'print JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ tinyforge experiment lottery examples/mnist-lenet300/model.onnx --dataset mnist --seeds 3')
    .action(async (modelPath: string, f: LotteryFlags) => {
      const { loadModelWithPreprocess } = await import('../steps.ts');
      const { initBackend } = await import('../../train/backend.ts');
      const { runLottery } = await import('../../compress/prune-lottery.ts');
      const arch = await loadModelWithPreprocess(modelPath, f);
      const train = await loadDatasetFor(arch, f, { split: 'train', limit: f.trainSamples });
      const test = await loadDatasetFor(arch, f, { split: 'test', limit: f.testSamples });
      const backend = await initBackend();
      log(
        `lottery experiment on ${modelPath}: ${train.size} train / ${test.size} test ${f.dataset} samples, ${f.seeds} seeds, ${f.epochs} epochs (tfjs ${backend})`,
      );
      const rows = await runLottery(arch, train, test, {
        seeds: Array.from({ length: f.seeds }, (_, i) => i + 1),
        epochs: f.epochs,
        learningRate: f.lr,
        batchSize: f.batchSize,
        sparsity: f.sparsity,
        channelFraction: f.channelFraction,
        fineTuneEpochs: f.fineTuneEpochs,
        scratchBCap: f.scratchBCap,
        onProgress: phaseProgress(),
      });
      if (f.json) {
        printJson({
          model: modelPath,
          dataset: f.dataset,
          train_samples: train.size,
          test_samples: test.size,
          seeds: f.seeds,
          epochs: f.epochs,
          rows: rows.map((r) => ({
            pruning: r.kind,
            kept: r.kept,
            scratch_b_epochs: r.scratchBEpochs,
            top1: Object.fromEntries(LOTTERY_COLUMNS.map((c) => [c, { ...meanStd(r.runs[c]), runs: r.runs[c] }])),
          })),
        });
      } else {
        process.stdout.write(`top-1 % on ${test.size} test samples, mean (± std) over ${f.seeds} seed(s)\n${lotteryTable(rows)}\n`);
      }
    });
}
