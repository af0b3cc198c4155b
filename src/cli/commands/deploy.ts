// `tinyforge deploy`: compile → build → flash/start → measure on the device → report.json + report.html.
import type { Command } from 'commander';
import { join } from 'node:path';
import { loadBoard } from '../../build/boards.ts';
import type { DeviceSession } from '../../device/device-session.ts';
import type { ElfSize } from '../../build/elf-size.ts';
import type { Report } from '../../report/report.ts';
import { loadDatasetFor, positiveInteger } from '../dataset-options.ts';
import { log, printJson, progress, table } from '../output.ts';
import { compileOptions, layerKernelChoice, type CompileFlags } from './compile.ts';
import { TinyforgeError } from '../../diagnostics.ts';

interface DeployFlags extends CompileFlags {
  samples: number;
  profileLayers?: boolean;
  debugLayers?: boolean;
  json?: boolean;
  port?: string;
  image?: string;
  flashOnly?: boolean;
}

function tflmRow(t: NonNullable<Report['accuracy']['tflm_reference']>): string[] {
  const identical = t.identical === null ? '' : `${t.identical}/${t.samples} identical bytes, `;
  return ['vs TFLM device outputs', `${identical}${t.same_top1}/${t.samples} same top-1`];
}

/** ": huffman-int8 ×3, dense-int32 …" — how the layers are stored, when anything is compressed. */
function weightFormats(r: Report): string {
  const count = new Map<string, number>();
  for (const l of r.compression.layers ?? []) count.set(l.format, (count.get(l.format) ?? 0) + 1);
  const parts = [...count].map(([f, n]) => (n > 1 ? `${f} ×${n}` : f));
  return parts.length && r.compression.steps.length ? `: ${parts.join(', ')}` : '';
}

export function summaryTable(r: Report): string {
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(2)}%`);
  const lat =
    r.latency.median === null
      ? `unavailable${r.latency.note ? `: ${r.latency.note}` : ''}`
      : `${r.latency.median.toLocaleString('en-US')} ${r.latency.unit} (≈ ${r.latency.ms?.toFixed(2)} ms)`;
  return table(
    ['figure', 'value'],
    [
      ['board', `${r.board} (${r.target.kind})`],
      [
        'model',
        `${r.model.name}: ${r.model.params.toLocaleString('en-US')} params${r.model.kept_weights !== undefined && r.model.kept_weights < r.model.params ? ` (${r.model.kept_weights.toLocaleString('en-US')} non-zero)` : ''}, ${r.model.macs.toLocaleString('en-US')} MACs, ${r.model.quantization}`,
      ],
      ...(r.compression.params_before !== undefined &&
      (r.compression.params_before !== r.model.params || r.compression.macs_before !== r.model.macs)
        ? [
            [
              'input model',
              `${r.compression.params_before.toLocaleString('en-US')} params, ${r.compression.macs_before!.toLocaleString('en-US')} MACs`,
            ],
          ]
        : []),
      ['latency / inference', lat],
      ...(r.latency.stream
        ? [
            [
              'latency / step',
              r.latency.stream.step === null
                ? '—'
                : `${r.latency.stream.step.toLocaleString('en-US')} ${r.latency.unit} (reset + ${r.latency.stream.steps} steps per inference)`,
            ],
          ]
        : []),
      ['flash', `${r.memory.flash_bytes.toLocaleString('en-US')} B`],
      [
        'static RAM',
        `${r.memory.ram_bytes.toLocaleString('en-US')} B${r.memory.state_bytes !== undefined ? ` (stream state ${r.memory.state_bytes.toLocaleString('en-US')} B)` : ''}`,
      ],
      [
        'arena',
        `${r.memory.arena_bytes.toLocaleString('en-US')} B (naive ${r.memory.arena_naive_bytes?.toLocaleString('en-US')} B, lower bound ${r.memory.arena_lower_bound_bytes?.toLocaleString('en-US')} B)`,
      ],
      [
        'stack high-water',
        r.memory.stack_bytes === null
          ? '—'
          : `${r.memory.stack_bytes.toLocaleString('en-US')} B` +
            (r.memory.stack_limit_bytes ? ` of ${r.memory.stack_limit_bytes.toLocaleString('en-US')} B reserved` : '') +
            (r.memory.stack_planned_bytes ? ` (planned ${r.memory.stack_planned_bytes.toLocaleString('en-US')} B)` : ''),
      ],
      [
        'weights in flash',
        `${r.compression.compressed_bytes.toLocaleString('en-US')} B (${r.compression.ratio.toFixed(1)}× smaller than float32)${weightFormats(r)}`,
      ],
      ['device top-1', `${pct(r.accuracy.device_top1)} on ${r.accuracy.samples} samples`],
      ['reference top-1', pct(r.accuracy.reference_top1)],
      [
        'float model top-1',
        r.accuracy.float_top1 === null && r.accuracy.float_note ? `— (${r.accuracy.float_note})` : pct(r.accuracy.float_top1),
      ],
      ['agreement', `${pct(r.accuracy.agreement)} (${r.accuracy.agreement_kind})`],
      ...(r.accuracy.tflm_reference ? [tflmRow(r.accuracy.tflm_reference)] : []),
    ],
  );
}

export function register(program: Command): void {
  compileOptions(
    program
      .command('deploy')
      .description('compile, build, run on the board (or its emulator), measure latency, memory and accuracy, write report.json')
      .argument('<model>', 'model file: .onnx, TF.js model.json or .tflite'),
    'out/<model>-<board>',
  )
    .option('--samples <n>', 'test samples streamed to the device (the first n of the test split)', positiveInteger('samples'), 100)
    .option('--profile-layers', "report each layer's latency measured on the device")
    .option('--debug-layers', 'compare every layer output of one sample with the reference; name the first that differs')
    .option('--json', 'print report.json on stdout')
    .option('--port <path>', 'serial port of a real board (esp32*, nucleo-f446re); `tinyforge ports` lists them')
    .option('--image <dir>', 'ESP boards: flash this prebuilt ESP-IDF build folder (flasher_args.json) instead of building')
    .option('--flash-only', 'real boards: stop after flashing and verification (no measurement)')
    .addHelpText(
      'after',
      '\nExample:\n  $ tinyforge deploy examples/mnist-cnn/model.onnx --board mps2-an386 --quantize int8 --dataset mnist --samples 500\n' +
        '  $ tinyforge deploy examples/gru-kws/model.onnx --board mps2-an386 --dataset examples/gru-kws/inputs --samples 8 --stream   # the device runs reset + one step per frame\n' +
        "  $ tinyforge deploy examples/mlperf-tiny/kws01/models/kws_ref_model.tflite --board mps2-an385 --dataset examples/mlperf-tiny/kws01/samples --samples 100 --tune   # each layer's fastest exact kernels\n" +
        '  $ tinyforge deploy examples/mnist-cnn/model.onnx --board mps2-an386 --dataset mnist --samples 200 --no-fuse -o out/cnn-unfused   # arena and instructions with every conv output stored whole',
    )
    .action(async (modelPath: string, opts: DeployFlags) => {
      const { commandInputs, compileModel, defaultOutDir, loadModelWithPreprocess, originalFloatModel } = await import('../steps.ts');
      const { checkOutputDir, loadProject, REPORT_FILES } = await import('../../codegen/project.ts');
      const { writeFileAtomically } = await import('../../safe-write.ts');
      const { buildProject } = await import('../../build/build-project.ts');
      const { openDevice } = await import('../../device/device-session.ts');
      const { deployHardwareStep } = await import('../deploy-hardware.ts');
      const { isHardwareFlasher } = await import('../../build/boards.ts');
      const { measureOnDevice } = await import('../../device/measure.ts');
      const { checkStack, stackBudget } = await import('../../device/stack-check.ts');
      const { debugLayers, profileLayers } = await import('../../device/layer-views.ts');
      const { evaluateOnHost } = await import('../evaluate-host.ts');
      const { sampleInput } = await import('../../reference/model-input.ts');
      const { tflmComparer } = await import('../../data/tflm-reference-outputs.ts');
      const { makeReport } = await import('../../report/make-report.ts');
      const { heldOutNotes } = await import('../../report/held-out.ts');
      const { renderHtml } = await import('../../report/html.ts');
      const outDir = opts.out ?? defaultOutDir(modelPath, opts.board);
      const preprocess = { inputScale: opts.inputScale, mean: opts.mean, std: opts.std };
      // The output folder, the board, the model and the test samples are checked before anything is built, trained or
      // started, so a bad flag never leaves a half-written folder or a running board behind.
      if (opts.stream && opts.debugLayers) {
        throw new TinyforgeError(
          'bad-argument',
          '--debug-layers compares whole-sequence layer outputs, and --stream runs one frame per step',
          {
            location: { field: '--debug-layers' },
            hint: 'run --debug-layers without --stream (the same layers on the whole sequence), or --profile-layers for one step',
          },
        );
      }
      checkOutputDir(outDir, { force: !!opts.force, inputs: commandInputs({ modelPath, compress: opts.compress, dataset: opts.dataset }) });
      loadBoard(opts.board);
      const model = await loadModelWithPreprocess(modelPath, preprocess);
      const data = await loadDatasetFor(model, opts, { split: 'test', limit: opts.samples, fallback: 'mnist' });
      const request = {
        modelPath,
        model,
        boardId: opts.board,
        quantize: opts.quantize,
        compress: opts.compress,
        dataset: opts.dataset,
        datasetEncoding: opts.datasetEncoding,
        labelColumn: opts.labelColumn,
        calibrationSamples: opts.calibrationSamples,
        outDir,
        force: !!opts.force,
        lib: false,
        name: opts.name,
        stackBytes: opts.stackBytes,
        stream: opts.stream,
        fuse: opts.fuse,
        preprocess,
        cache: opts.cache,
      };
      const choice = await layerKernelChoice(opts, request, async () => data);
      log(`compiling ${modelPath} for ${opts.board} …`);
      const compiled = await compileModel({ ...request, ...choice });
      const project = loadProject(outDir);
      const out = project.graph.tensors[project.graph.outputs[0]];
      const outQuant =
        out.dtype === 'i8' && out.quant?.scale.length === 1 ? { scale: out.quant.scale[0], zeroPoint: out.quant.zeroPoint[0] } : undefined;
      const tflm =
        data.referenceOutputs && data.files
          ? tflmComparer(data.referenceOutputs.file, data.referenceOutputs.printing, outQuant)
          : undefined;
      let session: DeviceSession;
      let elf: ElfSize;
      if (isHardwareFlasher(compiled.board)) {
        const hw = await deployHardwareStep(compiled.board, project, outDir, opts);
        if (!hw) return;
        ({ session, elf } = hw);
      } else {
        log(`building firmware …`);
        const fw = await buildProject(project, compiled.board);
        log(`starting ${compiled.board.id} and saying hello …`);
        session = await openDevice(compiled.board, fw.elfPath, { stack: stackBudget(project.manifest) });
        elf = fw.size;
      }
      let report: Report;
      try {
        const measurement = await measureOnDevice(session, project.graph, data, {
          samples: opts.samples,
          onProgress: progress('on device'),
          onOutput: tflm ? (i, output) => tflm.add(data.files![i], output) : undefined,
        });
        const stack = await session.stack();
        checkStack(compiled.board, stack, stackBudget(project.manifest), session.port);
        const planned = project.manifest.stack?.planned_bytes;
        if (planned && stack.highWaterBytes > planned)
          log(`warning: the device used ${stack.highWaterBytes} B of stack, more than the ${planned} B planned`);
        const first = sampleInput(project.graph, data.get(0));
        const fused = project.manifest.fused ?? {};
        const perLayer = opts.profileLayers ? await profileLayers(session, project.graph, first, fused) : undefined;
        // The layer hook runs after every layer of every step and keeps the last call's count per layer: their sum is
        // the last step's count, the call into the step included.
        const streamStep =
          project.manifest.stream && (measurement.unit === 'instructions' || measurement.unit === 'cycles')
            ? (perLayer ?? (await profileLayers(session, project.graph, first, fused))).reduce((s, l) => s + l.latency, 0)
            : undefined;
        if (opts.debugLayers) {
          const d = await debugLayers(session, project.graph, first, { fused });
          const pairs = d.layers.filter((l) => l.fusedInto).map((l) => `"${l.node}" into "${l.fusedInto}"`);
          if (pairs.length > 0)
            log(`debug-layers: fused or banded (checked through the output of the layer they run in): ${pairs.join(', ')}`);
          if (d.firstMismatch) {
            const m = d.firstMismatch;
            log(
              `debug-layers: first mismatch at layer ${m.layer} "${m.node}" (${m.op}): ${m.differing}/${m.elements} elements differ, max |diff| ${m.maxAbsDiff}`,
            );
          } else log(`debug-layers: all ${d.layers.length - pairs.length} layer outputs equal the reference interpreter`);
        }
        await session.close();
        // float_top1: the original float model's, on the same samples (for a .tfir.json, the model its recipe started from).
        const original = await originalFloatModel(compiled.floatGraph, { inputScale: opts.inputScale, mean: opts.mean, std: opts.std });
        const floatEval =
          !('graph' in original) || data.unlabeled
            ? null
            : original.graph === compiled.floatGraph && compiled.quantization === 'float32' && compiled.compression.steps.length === 0
              ? measurement.referenceTop1
              : (await evaluateOnHost(original.graph, data, { limit: measurement.samples })).referenceTop1;
        report = makeReport({
          board: compiled.board,
          graph: project.graph,
          floatGraph: compiled.floatGraph,
          modelPath,
          manifest: project.manifest,
          compression: compiled.compression,
          elf,
          measurement,
          dataset: opts.dataset ?? 'mnist',
          stack,
          perLayer,
          streamStep,
          floatTop1: floatEval,
          tflmReference: tflm?.result(),
          classes: data.classNames,
          datasetNotes: [
            ...new Set([
              ...(data.notes ?? []),
              ...compiled.dataNotes,
              ...heldOutNotes(compiled.compression.steps, data.name, measurement.samples),
            ]),
          ],
          floatNote: 'note' in original ? original.note : undefined,
        });
      } finally {
        await session.close();
      }
      const [jsonFile, htmlFile] = REPORT_FILES;
      writeFileAtomically(join(outDir, jsonFile), JSON.stringify(report, null, 2) + '\n');
      writeFileAtomically(
        join(outDir, htmlFile),
        renderHtml(report, { flash_bytes: compiled.board.flashBytes, ram_bytes: compiled.board.ramBytes }),
      );
      if (opts.json) printJson(report);
      else process.stdout.write(summaryTable(report) + `\n\nwrote ${join(outDir, 'report.json')} and report.html\n`);
    });
}
