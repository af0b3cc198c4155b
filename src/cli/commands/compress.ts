// `tinyforge compress`: runs a compression recipe (preset or JSON file) and writes the compressed model with a
// per-layer table in the style of Deep Compression's.
import type { Command } from 'commander';
import { existsSync, writeFileSync } from 'node:fs';
import { TinyforgeError } from '../../diagnostics.ts';
import { presets } from '../../compress/presets.ts';
import { log, printJson, table } from '../output.ts';
import { datasetOptions, positiveInteger, type DatasetFlags } from '../dataset-options.ts';
import { preprocessOptions } from './compile.ts';

export function register(program: Command): void {
  const cmd = program
    .command('compress')
    .description('compress a model with a recipe (pruning, clustering, Huffman, int8, binary …) and write the result')
    .argument('<model>', 'model file: .onnx, TF.js model.json, .tflite or .tfir.json')
    .requiredOption('--recipe <preset|file.json>', `a preset (${Object.keys(presets).join(', ')}) or a JSON recipe: [{"step": "...", ...params}] (tinyforge recipes lists the steps and their parameters)`)
    .requiredOption('-o, --out <file>', 'output: .tfir.json keeps every encoding; .onnx for float results');
  datasetOptions(preprocessOptions(cmd), 'training and calibration data', { fallback: 'mnist' })
    .option('--calibration-samples <n>', 'training samples int8 ranges are calibrated on (the first n of the train split)', positiveInteger('calibration-samples'), 200)
    .option('--force', 'overwrite an existing output file')
    .option('--json', 'print the compression report on stdout')
    .addHelpText('after', '\nExample:\n  $ tinyforge compress examples/mnist-lenet300/model.onnx --recipe deep-compression -o out/lenet-dc.tfir.json')
    .action(async (modelPath: string, opts: DatasetFlags & { recipe: string; out: string; dataset: string; calibrationSamples: number; force?: boolean; json?: boolean; inputScale?: string; mean?: string; std?: string }) => {
      if (existsSync(opts.out) && !opts.force) {
        throw new TinyforgeError('output-exists', `${opts.out} exists`, { location: { file: opts.out }, hint: 'choose another -o, or pass --force to replace it' });
      }
      const isOnnx = opts.out.toLowerCase().endsWith('.onnx');
      if (!isOnnx && !opts.out.toLowerCase().endsWith('.tfir.json')) {
        throw new TinyforgeError('bad-argument', `-o ${opts.out}: the output must end in .tfir.json or .onnx`);
      }
      const { prepareModel } = await import('../steps.ts');
      const { exportOnnx } = await import('../../import/onnx-export.ts');
      const { graphToJson } = await import('../../ir/serialize.ts');
      const p = await prepareModel({
        modelPath, quantize: 'none', compress: opts.recipe, dataset: opts.dataset, datasetEncoding: opts.datasetEncoding, labelColumn: opts.labelColumn,
        calibrationSamples: opts.calibrationSamples, preprocess: { inputScale: opts.inputScale, mean: opts.mean, std: opts.std },
      });
      if (isOnnx && p.quantization !== 'float32') {
        throw new TinyforgeError('bad-argument', `the compressed model is ${p.quantization}; ONNX export here is float only`, { hint: `write it as ${opts.out.replace(/\.onnx$/i, '.tfir.json')}` });
      }
      writeFileSync(opts.out, isOnnx ? exportOnnx(p.graph) : graphToJson(p.graph));
      const c = p.compression;
      if (opts.json) {
        printJson({ out: opts.out, ...c });
        return;
      }
      for (const step of c.steps) {
        log(`\n${step.name}: params ${step.params_before.toLocaleString('en-US')} → ${step.params_after.toLocaleString('en-US')}, bytes ${step.bytes_before.toLocaleString('en-US')} → ${step.bytes_after.toLocaleString('en-US')}`);
        const extra = [...new Set(step.layers.flatMap((l) => Object.keys(l)))].filter((k) => !['node', 'op', 'params', 'bytes_before', 'bytes_after'].includes(k));
        process.stdout.write(
          table(
            ['layer', 'op', 'params', 'bytes before', 'bytes after', 'ratio', ...extra],
            step.layers.map((l) => [
              l.node.length > 30 ? l.node.slice(0, 29) + '…' : l.node, l.op, l.params, l.bytes_before, l.bytes_after,
              l.bytes_after > 0 ? `${(l.bytes_before / l.bytes_after).toFixed(1)}×` : '-',
              ...extra.map((k) => (typeof l[k] === 'number' ? Number((l[k] as number).toPrecision(4)) : String(l[k] ?? ''))),
            ]),
          ) + '\n',
        );
        for (const n of step.notes) log(`  note: ${n}`);
      }
      process.stdout.write(`\n${opts.out}: ${c.original_bytes.toLocaleString('en-US')} → ${c.compressed_bytes.toLocaleString('en-US')} weight bytes (${c.ratio.toFixed(1)}×)\n`);
    });
}
