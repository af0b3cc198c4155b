// `tinyforge defend`: adversarial training of a float model (T iterations of craft-then-train) → a new ONNX file,
// with clean and robust top-1 on a test slice before and after.
import type { Command } from 'commander';
import { checkOutputFile, writeFileAtomically } from '../../safe-write.ts';
import type { Graph } from '../../ir/graph.ts';
import { inputDomain } from '../../defend/input-domain.ts';
import { TRAINING_ATTACKS } from '../../defend/names.ts';
import type { Dataset } from '../../data/dataset.ts';
import { log, phaseProgress, printJson, table } from '../output.ts';
import { datasetOptions, loadDatasetFor, positiveInteger, type DatasetFlags } from '../dataset-options.ts';
import { preprocessOptions } from './compile.ts';

interface DefendFlags extends DatasetFlags {
  attack: string;
  eps: number;
  iterations: number;
  dataset: string;
  inputScale?: string;
  mean?: string;
  std?: string;
  out: string;
  epochs: number;
  steps: number;
  samples: number;
  evalSamples: number;
  lr: number;
  lrDecay: number;
  seed: number;
  force?: boolean;
  json?: boolean;
}

const num = (v: string) => Number(v);

/** Clean and robust (same attack, same ε) top-1 of a float graph on a test slice. */
async function robustTop1(
  g: Graph,
  test: Dataset,
  attack: string,
  eps: number,
  steps: number,
  when: string,
): Promise<{ clean: number; robust: number }> {
  // tfjs loads only when a defence command runs, not for every CLI command.
  const { floatSubject } = await import('../../defend/subjects.ts');
  const { measureRobustness } = await import('../../defend/robustness.ts');
  const subject = floatSubject(g, inputDomain(g, test));
  try {
    const bar = phaseProgress();
    const r = await measureRobustness({
      float: g,
      subjects: [subject],
      dataset: test,
      attacks: [attack],
      eps: [eps],
      epsL2: [eps],
      samples: test.size,
      steps,
      onProgress: (m, done, total) => bar(`${when}: ${m}`, total > 0 ? done / total : 1),
    });
    return { clean: r.clean_top1, robust: r.attacks[0]!.robust_top1 };
  } finally {
    subject.dispose();
  }
}

export function register(program: Command): void {
  const cmd = program
    .command('defend')
    .description('adversarial training: T times, attack every training image against the current model and train on clean + adversarial')
    .argument('<model>', 'float model file: .onnx, TF.js model.json or .tflite')
    .requiredOption('--attack <name>', `attack used to find the holes: ${TRAINING_ATTACKS.join(' | ')}`)
    .requiredOption('--eps <e>', "budget in the model's preprocessed input space (MNIST /255: e.g. 0.1)", num)
    .requiredOption('--iterations <T>', 'how many times the adversarial set is regenerated (≥ 1)', num)
    .requiredOption('-o, --out <file.onnx>', 'where to write the defended model (ONNX)');
  datasetOptions(preprocessOptions(cmd), 'labelled training data (its test split for the before/after figures)', { required: true })
    .option('--epochs <n>', 'epochs over clean + adversarial data per iteration', num, 1)
    .option('--steps <n>', 'PGD steps when crafting (step size 2.5·ε/steps)', num, 10)
    .option('--samples <n>', 'training images used', positiveInteger('samples'), 10000)
    .option('--eval-samples <n>', 'test images for the before/after clean and robust top-1 (0 to skip)', num, 500)
    .option('--lr <rate>', 'Adam learning rate of the first iteration', num, 1e-3)
    .option('--lr-decay <f>', 'learning-rate factor from one iteration to the next', num, 0.5)
    .option('--seed <n>', 'seeds random starts and shuffles', num, 0)
    .option('--force', 'overwrite --out if it exists')
    .option('--json', 'print a JSON summary on stdout')
    .addHelpText(
      'after',
      '\nExample:\n  $ tinyforge defend examples/mnist-cnn/model.onnx --attack pgd --eps 0.1 --iterations 3 --dataset mnist -o out/mnist-cnn-pgd.onnx',
    )
    .action(async (modelPath: string, opts: DefendFlags) => {
      checkOutputFile(opts.out, !!opts.force, { flag: '-o', inputs: [modelPath, opts.dataset] });
      const { adversarialTrain, checkAdversarialOptions } = await import('../../defend/adversarial-training.ts');
      const { exportOnnx } = await import('../../import/onnx-export.ts');
      const { loadModelWithPreprocess } = await import('../steps.ts');
      const g = await loadModelWithPreprocess(modelPath, opts);
      const train = await loadDatasetFor(g, opts, { split: 'train', limit: opts.samples });
      const trainOpts = {
        attack: opts.attack,
        eps: opts.eps,
        iterations: opts.iterations,
        epochs: opts.epochs,
        steps: opts.steps,
        learningRate: opts.lr,
        learningRateDecay: opts.lrDecay,
        seed: opts.seed,
        file: modelPath,
      };
      // Everything is checked before the slow parts start.
      checkAdversarialOptions(g, train, trainOpts);
      const test = opts.evalSamples > 0 ? await loadDatasetFor(g, opts, { split: 'test', limit: opts.evalSamples }) : undefined;
      const before = test ? await robustTop1(g, test, opts.attack, opts.eps, 20, 'before') : undefined;
      if (before)
        log(
          `before: clean top-1 ${(before.clean * 100).toFixed(2)}%, ${opts.attack} ε=${opts.eps} robust top-1 ${(before.robust * 100).toFixed(2)}% (${test!.size} test images)`,
        );
      const bar = phaseProgress();
      const r = await adversarialTrain(g, train, {
        ...trainOpts,
        onProgress: (p) =>
          bar(
            `iteration ${p.iteration}/${opts.iterations}: ${p.phase === 'craft' ? `crafting ${opts.attack} examples` : 'training on clean + adversarial'}`,
            p.done / p.total,
          ),
      });
      const after = test ? await robustTop1(r.graph, test, opts.attack, opts.eps, 20, 'after') : undefined;
      writeFileAtomically(opts.out, exportOnnx(r.graph), '-o');
      const summary = {
        model: modelPath,
        out: opts.out,
        dataset: opts.dataset,
        attack: opts.attack,
        eps: opts.eps,
        iterations: opts.iterations,
        train_samples: train.size,
        settings: { epochs: opts.epochs, steps: opts.steps, lr: opts.lr, lr_decay: opts.lrDecay, seed: opts.seed },
        backend: r.backend,
        history: r.history,
        eval: test
          ? {
              samples: test.size,
              attack: opts.attack,
              eps: opts.eps,
              steps: opts.attack === 'fgsm' ? 1 : 20,
              before: { clean_top1: before!.clean, robust_top1: before!.robust },
              after: { clean_top1: after!.clean, robust_top1: after!.robust },
            }
          : null,
      };
      if (opts.json) printJson(summary);
      else {
        const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
        process.stdout.write(
          table(
            ['iteration', 'attack fooled (train)', 'train top-1 (clean+adv)', 'seconds'],
            r.history.map((h) => [h.iteration, pct(h.attack_success), pct(h.train_acc), +h.seconds.toFixed(1)]),
          ) + '\n',
        );
        if (before && after)
          process.stdout.write(
            `\ntest (${test!.size}): clean ${pct(before.clean)} → ${pct(after.clean)}, ${opts.attack} ε=${opts.eps} robust ${pct(before.robust)} → ${pct(after.robust)}\n`,
          );
        process.stdout.write(`wrote ${opts.out}\n`);
      }
    });
}
