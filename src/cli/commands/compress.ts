// `tinyforge compress`: runs a compression recipe (preset or JSON file) and writes the compressed model with a
// per-layer table in the style of Deep Compression's.
import type { Command } from 'commander';
import { TinyforgeError } from '../../diagnostics.ts';
import { checkOutputFile, writeFileAtomically } from '../../safe-write.ts';
import { presets } from '../../compress/presets.ts';
import type { Compression } from '../../compress/pipeline.ts';
import type { PassReport } from '../../compress/pass.ts';
import { printJson, table } from '../output.ts';
import { datasetOptions, positiveInteger, type DatasetFlags } from '../dataset-options.ts';
import { preprocessOptions } from './compile.ts';

/** Column headers of the passes' own per-layer columns (src/compress/*: compressionRows, quantize-int8's rows). */
const COLUMN_LABELS: Record<string, string> = {
  weights_kept_percent: 'kept %',
  kept_percent: 'kept %',
  nonzero: 'non-zero weights',
  bits_per_weight: 'bits/weight',
  bits_per_index_huffman: 'Huffman bits/index',
  bits_per_gap_huffman: 'Huffman bits/gap',
  output_scale: 'output scale',
  output_zero_point: 'output zero point',
  weight_scale_min: 'weight scale min',
  weight_scale_max: 'weight scale max',
  sqnr_db: 'SQNR dB',
};
const SIZE_COLUMNS = ['node', 'op', 'params', 'format', 'bytes_before', 'bytes_after'];
const num = (v: number) => v.toLocaleString('en-US');

/** What `compress` prints: per step one size figure (deployed weight bytes after it, and the ratio to float32 so far)
 *  and a labelled per-layer table whose bytes add up to it; then one total. The same figures as --json and as
 *  report.json's compression block. */
export function compressionText(c: Compression, out: string): string {
  const lines = [
    `input: ${num(c.params_before)} params, ${num(c.macs_before)} MACs, ${num(c.original_bytes)} B of weights as float32${c.source ? ` (${c.source})` : ''}`,
  ];
  c.steps.forEach((step, i) => {
    const s = step as PassReport & { ratio?: number; skipped?: { node: string; reason: string }[] };
    lines.push(
      '',
      `step ${i + 1}/${c.steps.length} ${step.name}: deployed weights ${num(step.bytes_before)} B → ${num(step.bytes_after)} B (${s.ratio ?? 1}× smaller than float32)`,
    );
    const extra = [...new Set(step.layers.flatMap((l) => Object.keys(l)))].filter((k) => !SIZE_COLUMNS.includes(k));
    lines.push(
      table(
        [
          'layer',
          'op',
          'params',
          'format after',
          'bytes before',
          'bytes after',
          ...extra.map((k) => COLUMN_LABELS[k] ?? k.replace(/_/g, ' ')),
        ],
        step.layers.map((l) => [
          l.node.length > 30 ? l.node.slice(0, 29) + '…' : l.node,
          l.op,
          l.params,
          String(l.format ?? ''),
          l.bytes_before,
          l.bytes_after,
          ...extra.map((k) => (typeof l[k] === 'number' ? Number((l[k] as number).toPrecision(4)) : String(l[k] ?? ''))),
        ]),
      ).replace(/^/gm, '  '),
    );
    for (const k of s.skipped ?? []) lines.push(`  skipped: ${k.reason}`);
    for (const n of step.notes) lines.push(`  note: ${n}`);
  });
  lines.push(
    '',
    `total: ${num(c.original_bytes)} B of float32 weights → ${num(c.compressed_bytes)} B deployed (${c.ratio.toFixed(2)}× smaller), written to ${out}`,
  );
  return lines.join('\n');
}

export function register(program: Command): void {
  const cmd = program
    .command('compress')
    .description('compress a model with a recipe (pruning, clustering, Huffman, int8, binary …) and write the result')
    .argument('<model>', 'model file: .onnx, TF.js model.json, .tflite or .tfir.json')
    .requiredOption(
      '--recipe <preset|file.json>',
      `a preset (${Object.keys(presets).join(', ')}) or a JSON recipe: [{"step": "...", ...params}] (tinyforge recipes lists the steps and their parameters)`,
    )
    .requiredOption('-o, --out <file>', 'output: .tfir.json keeps every encoding; .onnx for float results');
  datasetOptions(preprocessOptions(cmd), 'training and calibration data', { fallback: 'mnist' })
    .option(
      '--calibration-samples <n>',
      'training samples int8 ranges are calibrated on (the first n of the train split)',
      positiveInteger('calibration-samples'),
      200,
    )
    .option('--force', 'overwrite an existing output file')
    .option(
      '--no-cache',
      'compute the compression again instead of reusing the one stored in the cache ($TINYFORGE_CACHE, else ~/.cache/tinyforge)',
    )
    .option('--json', 'print the compression report on stdout')
    .addHelpText(
      'after',
      '\nExample:\n  $ tinyforge compress examples/mnist-lenet300/model.onnx --recipe deep-compression -o out/lenet-dc.tfir.json',
    )
    .action(
      async (
        modelPath: string,
        opts: DatasetFlags & {
          recipe: string;
          out: string;
          dataset: string;
          calibrationSamples: number;
          force?: boolean;
          cache: boolean;
          json?: boolean;
          inputScale?: string;
          mean?: string;
          std?: string;
        },
      ) => {
        // The output is checked before any work: not empty, not an input, not a folder, replaced only with --force.
        checkOutputFile(opts.out, !!opts.force, {
          flag: '-o',
          inputs: [modelPath, ...(opts.recipe.endsWith('.json') ? [opts.recipe] : []), opts.dataset],
        });
        const isOnnx = opts.out.toLowerCase().endsWith('.onnx');
        if (!isOnnx && !opts.out.toLowerCase().endsWith('.tfir.json')) {
          throw new TinyforgeError('bad-argument', `-o ${opts.out}: the output must end in .tfir.json or .onnx`);
        }
        const { prepareModel } = await import('../steps.ts');
        const { exportOnnx } = await import('../../import/onnx-export.ts');
        const { graphToJson } = await import('../../ir/serialize.ts');
        const p = await prepareModel({
          modelPath,
          quantize: 'none',
          compress: opts.recipe,
          dataset: opts.dataset,
          datasetEncoding: opts.datasetEncoding,
          labelColumn: opts.labelColumn,
          calibrationSamples: opts.calibrationSamples,
          preprocess: { inputScale: opts.inputScale, mean: opts.mean, std: opts.std },
          cache: opts.cache,
        });
        if (isOnnx && p.quantization !== 'float32') {
          throw new TinyforgeError('bad-argument', `the compressed model is ${p.quantization}; ONNX export here is float only`, {
            hint: `write it as ${opts.out.replace(/\.onnx$/i, '.tfir.json')}`,
          });
        }
        writeFileAtomically(opts.out, isOnnx ? exportOnnx(p.graph) : graphToJson(p.graph), '-o');
        const c = p.compression;
        if (opts.json) {
          printJson({ out: opts.out, ...c });
          return;
        }
        process.stdout.write(compressionText(c, opts.out) + '\n');
      },
    );
}
