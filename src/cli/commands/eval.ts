// `tinyforge eval`: top-1 of a model on a dataset, by onnxruntime-node and by our reference interpreter.
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { loadModel } from '../../import/index.ts';
import { loadDataset } from '../../data/dataset.ts';
import { evaluateOnHost } from '../../reference/evaluate.ts';
import { log, printJson, progress } from '../output.ts';

export function register(program: Command): void {
  program
    .command('eval')
    .description('measure top-1 of a model on a dataset (host reference and onnxruntime)')
    .argument('<model>', 'model file: .onnx, TF.js model.json or .tflite')
    .requiredOption('--dataset <name>', "dataset: 'mnist' or a folder of MLPerf-style .bin samples with y_labels.csv")
    .option('--limit <n>', 'evaluate only the first n test samples', (v) => parseInt(v, 10))
    .option('--json', 'print JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ tinyforge eval examples/mnist-cnn/model.onnx --dataset mnist --limit 1000')
    .action(async (modelPath: string, opts: { dataset: string; limit?: number; json?: boolean }) => {
      const g = await loadModel(modelPath);
      const data = await loadDataset(opts.dataset, { split: 'test', limit: opts.limit });
      const onnxBytes = modelPath.endsWith('.onnx') ? new Uint8Array(await readFile(modelPath)) : undefined;
      const r = await evaluateOnHost(g, data, { limit: opts.limit, onnxBytes, onProgress: progress('eval') });
      const result = {
        model: modelPath,
        dataset: opts.dataset,
        samples: r.samples,
        onnxruntime_top1: r.onnxruntimeTop1,
        reference_top1: r.referenceTop1,
      };
      if (opts.json) printJson(result);
      else {
        const pct = (v: number | null) => (v === null ? 'n/a (not a float model)' : `${(v * 100).toFixed(2)}%`);
        log(`${modelPath} on ${r.samples} ${opts.dataset} test samples:`);
        process.stdout.write(`onnxruntime top-1: ${pct(r.onnxruntimeTop1)}\nreference   top-1: ${pct(r.referenceTop1)}\n`);
      }
    });
}
