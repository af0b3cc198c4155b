// `tinyforge compile`: model → (compress, quantize) → generated C project for a board, or a C library with --lib.
import type { Command } from 'commander';
import { join } from 'node:path';
import { TinyforgeError } from '../../diagnostics.ts';
import { modelNames } from '../../codegen/model-names.ts';
import { log, printJson } from '../output.ts';
import { datasetOptions, positiveInteger, type DatasetFlags } from '../dataset-options.ts';
import { LIB_FORMATS, parseLibFormat } from '../../codegen/lib-formats.ts';

export interface CompileFlags extends DatasetFlags {
  board: string;
  out?: string;
  quantize: string;
  compress?: string;
  calibrationSamples: number;
  force?: boolean;
  inputScale?: string;
  mean?: string;
  std?: string;
  stackBytes?: number;
  /** --name: the id every file, function and macro of the generated model carries. */
  name?: string;
  /** false with --no-cache. */
  cache: boolean;
  /** --stream: the streaming form of a sequence model. */
  stream?: boolean;
  /** --tune: time each layer under every kernel set and kernel choice on the board's emulator and keep the fastest exact one. */
  tune?: boolean;
  /** --kernels-from: the layer kernels a tuned folder recorded. */
  kernelsFrom?: string;
  /** false with --no-fuse. */
  fuse: boolean;
}

/** --tune / --kernels-from: the layer kernel choice to compile with (measured now, read back, or none). */
export async function layerKernelChoice(
  opts: CompileFlags,
  request: import('../steps.ts').CompileOptions,
  data: () => Promise<import('../../data/dataset.ts').Dataset>,
): Promise<Pick<import('../steps.ts').CompileOptions, 'layerKernels' | 'tuning' | 'prepared'>> {
  if (opts.tune && opts.kernelsFrom) {
    throw new TinyforgeError('bad-argument', '--tune measures the kernel choice and --kernels-from reads one: give one of them', {
      location: { field: '--kernels-from' },
      hint: 'leave out --kernels-from to measure again, or --tune to reuse the recorded choice',
    });
  }
  const { readLayerKernels, tuneLayerKernels } = await import('../kernel-tuning.ts');
  if (opts.kernelsFrom) return { layerKernels: readLayerKernels(opts.kernelsFrom) };
  if (!opts.tune) return {};
  const { loadBoard } = await import('../../build/boards.ts');
  const { assertTunable } = await import('../tunable.ts');
  assertTunable(loadBoard(opts.board));
  const tuned = await tuneLayerKernels(request, await data());
  const changed = Object.values(tuned.layerKernels);
  const withinSet = changed.filter((c) => c.kernel !== undefined).length;
  const sets = Object.entries(tuned.totals).map(([s, t]) => `${s} ${t.toLocaleString('en-US')}`);
  log(
    `tune: ${changed.length} of ${tuned.tuning.nodes.length} layers take another kernel than the board's ` +
      `(${withinSet} another of their op's kernels in a set, ${changed.length - withinSet} another set's own); ` +
      `Σ layers ${tuned.total.toLocaleString('en-US')} instructions (all ${sets.join(', all ')})`,
  );
  return { layerKernels: tuned.layerKernels, tuning: tuned.tuning, prepared: tuned.prepared };
}

/** --name, checked as it is parsed (a TinyforgeError naming the flag). */
function modelNameFlag(v: string): string {
  return modelNames(v).id;
}

function stackBytesFlag(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 256) {
    throw new TinyforgeError('bad-argument', `--stack-bytes ${v} is not a whole number of bytes ≥ 256`, {
      location: { field: '--stack-bytes' },
      hint: 'leave it out to reserve the planned stack',
    });
  }
  return n;
}

/** Preprocessing flags for a model trained on normalised inputs (e.g. PyTorch's MNIST transforms). */
export function preprocessOptions(cmd: Command): Command {
  return cmd
    .option(
      '--input-scale <x>',
      'multiply raw inputs (e.g. pixels 0..255) by this first, e.g. 1/255 (default: from the model file, else 1)',
    )
    .option('--mean <m[,m…]>', 'subtract this per channel after scaling, e.g. 0.1307')
    .option('--std <s[,s…]>', 'then divide by this per channel, e.g. 0.3081');
}

/** The options compile and deploy share. */
export function compileOptions(cmd: Command, outDefault: string): Command {
  return datasetOptions(
    preprocessOptions(cmd)
      .requiredOption('--board <id>', 'target board (`tinyforge boards` lists them)')
      .option('-o, --out <dir>', `output folder (default ${outDefault})`)
      .option('--quantize <mode>', "'int8' (post-training quantization, calibrated on --dataset) or 'none'", 'int8')
      .option('--compress <recipe>', 'a compression preset name or a recipe .json file, run before quantization'),
    'calibration, fine-tuning and evaluation data',
  )
    .option(
      '--calibration-samples <n>',
      'training samples int8 ranges are calibrated on (the first n of the train split)',
      positiveInteger('calibration-samples'),
      200,
    )
    .option(
      '--name <id>',
      'prefix every file, function and macro of the generated model with this C id (kws → kws.c, kws_run, KWS_INPUT_BYTES), so several models link into one firmware',
      modelNameFlag,
    )
    .option(
      '--stream',
      'sequence models (GRU/LSTM): also generate <id>_reset() and <id>_step(frame, output), one time step per call with the recurrent state kept between calls; <id>_run becomes reset + one step per frame',
    )
    .option('--force', 'replace an output folder that tinyforge did not write')
    .option(
      '--no-cache',
      'compute the compression again instead of reusing the one stored in the cache ($TINYFORGE_CACHE, else ~/.cache/tinyforge)',
    )
    .option(
      '--tune',
      "build once per kernel set and per further kernel an op offers within a set, time every layer on the board's emulator and keep each layer's fastest kernel whose output is the reference's (recorded in tinyforge.json)",
    )
    .option(
      '--kernels-from <folder>',
      'use the layer kernels a --tune run recorded in that folder (or its tinyforge.json) without measuring again',
    )
    .option(
      '--no-fuse',
      'keep every layer on its own (by default an int8 conv runs inside the max pool after it, and runs of int8 convs whose intermediates would take the most arena run a band of rows at a time, so those outputs are never stored whole)',
    )
    .option(
      '--stack-bytes <n>',
      "reserve this much stack instead of the size planned from the compiler's frames (an inference that needs more fails with stack-overflow)",
      stackBytesFlag,
    );
}

export function register(program: Command): void {
  compileOptions(
    program
      .command('compile')
      .description(
        'generate C for a model and board: model.c/h, the kernels it uses, the deployed graph, and for ESP boards an ESP-IDF project',
      )
      .argument('<model>', 'model file: .onnx, TF.js model.json or .tflite'),
    'out/<model>-<board>',
  )
    .option('--lib', 'emit a self-contained C library (CMake and Make fragments) to embed in your own firmware')
    .option(
      '--format <format>',
      `with --lib, how the library is packaged: ${LIB_FORMATS.join(', ')} (default cmake: CMakeLists.txt and a Make fragment)`,
    )
    .option('--json', 'print the manifest on stdout')
    .addHelpText(
      'after',
      '\nExample:\n  $ tinyforge compile examples/mnist-lenet300/model.onnx --board mps2-an386 --dataset mnist -o out/lenet\n  $ tinyforge compile examples/mnist-cnn/model.onnx --board esp32 --dataset mnist -o out/esp   # + out/esp/esp-idf, an ESP-IDF project\n' +
        '  $ tinyforge compile examples/mnist-cnn/model.onnx --board mps2-an386 --dataset mnist --lib --name digits -o lib/digits   # digits.c/h, digits_run, DIGITS_*\n' +
        '  $ tinyforge compile examples/mnist-cnn/model.onnx --board mps2-an386 --dataset mnist --lib --format arduino --name digits -o lib/digits-arduino   # an Arduino library with an example sketch\n' +
        '  $ tinyforge compile examples/gru-kws/model.onnx --board mps2-an386 --dataset examples/gru-kws/inputs --stream --lib --name kws -o lib/kws   # kws_reset(), then kws_step(frame, out) per MFCC frame\n' +
        "  $ tinyforge compile examples/mnist-cnn/model.onnx --board mps2-an385 --dataset mnist --tune -o out/cnn-m3   # each layer's fastest kernel, measured on the emulator\n" +
        '  $ tinyforge compile examples/mnist-cnn/model.onnx --board mps2-an386 --dataset mnist --no-fuse -o out/cnn-unfused   # each conv output whole in the arena, to compare',
    )
    .action(async (modelPath: string, opts: CompileFlags & { lib?: boolean; format?: string; json?: boolean }) => {
      const libFormat = opts.format === undefined ? undefined : parseLibFormat(opts.format);
      if (libFormat && !opts.lib) {
        throw new TinyforgeError('bad-argument', `--format ${libFormat} packages a library, and --lib is not given`, {
          location: { field: '--format' },
          hint: `pass --lib --format ${libFormat}, or leave --format out for the board's firmware project`,
        });
      }
      const { compileModel, defaultOutDir } = await import('../steps.ts');
      const outDir = opts.out ?? defaultOutDir(modelPath, opts.board);
      const request = {
        modelPath,
        boardId: opts.board,
        quantize: opts.quantize,
        compress: opts.compress,
        dataset: opts.dataset,
        datasetEncoding: opts.datasetEncoding,
        labelColumn: opts.labelColumn,
        calibrationSamples: opts.calibrationSamples,
        outDir,
        force: !!opts.force,
        lib: !!opts.lib,
        libFormat,
        name: opts.name,
        stackBytes: opts.stackBytes,
        stream: opts.stream,
        fuse: opts.fuse,
        cache: opts.cache,
        preprocess: { inputScale: opts.inputScale, mean: opts.mean, std: opts.std },
      };
      const data = async () => {
        const { loadModelWithPreprocess } = await import('../steps.ts');
        const { loadDatasetFor } = await import('../dataset-options.ts');
        return loadDatasetFor(await loadModelWithPreprocess(modelPath, request.preprocess), opts, {
          split: 'test',
          limit: 1,
          fallback: 'mnist',
        });
      };
      const c = await compileModel({ ...request, ...(await layerKernelChoice(opts, request, data)) });
      if (opts.json) printJson({ out: outDir, ...c.manifest });
      else
        log(
          `wrote ${outDir}: ${c.manifest.quantization}, ${c.manifest.weight_bytes.toLocaleString('en-US')} weight bytes, ` +
            `arena ${c.manifest.arena_bytes.toLocaleString('en-US')} B (naive ${c.manifest.arena_naive_bytes.toLocaleString('en-US')} B), ` +
            (c.manifest.stack
              ? `stack ${c.manifest.stack.limit_bytes.toLocaleString('en-US')} B (${c.manifest.stack.planned_bytes === null ? 'not planned' : `planned ${c.manifest.stack.planned_bytes.toLocaleString('en-US')} B`}), `
              : '') +
            `kernels: ${c.manifest.kernels.join(', ')}` +
            (c.manifest.fused
              ? `; fused: ${Object.entries(c.manifest.fused)
                  .map(([conv, pool]) => `${conv} into ${pool}`)
                  .join(', ')}`
              : ''),
        );
      if (c.manifest.esp_idf && !opts.json) {
        const idf = join(outDir, c.manifest.esp_idf);
        log(`ESP-IDF project: ${idf} (build it with ESP-IDF 5.x: idf.py -C ${idf} build; or \`tinyforge deploy … --port\`)`);
      }
    });
}
