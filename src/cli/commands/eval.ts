// `tinyforge eval`: top-1 of a model on a dataset, by onnxruntime-node and by our reference interpreter.
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { preprocessOptions } from './compile.ts';
import { loadDatasetFor, datasetOptions, positiveInteger, requireLabels, type DatasetFlags } from '../dataset-options.ts';
import { formatDiagnostic } from '../../diagnostics.ts';
import { log, printJson, progress } from '../output.ts';
import { loadBoard } from '../../build/boards.ts';

/** Device evaluation of a compiled folder: top-1 on the device, the reference's, their agreement and latency. */
async function evalOnBoard(dir: string, boardId: string, flags: DatasetFlags, samples: number, json: boolean): Promise<void> {
  const { loadProject } = await import('../../codegen/project.ts');
  const { buildProject } = await import('../../build/build-project.ts');
  const { openDevice } = await import('../../device/device-session.ts');
  const { measureOnDevice } = await import('../../device/measure.ts');
  const { stackBudget } = await import('../../device/stack-check.ts');
  const { summarize } = await import('../../report/report.ts');
  const { formatNoLatency, noLatency } = await import('../latency-unavailable.ts');
  const board = loadBoard(boardId);
  const project = loadProject(dir);
  const data = await loadDatasetFor(project.graph, flags, { split: 'test', limit: samples });
  const dataset = flags.dataset!;
  const fw = await buildProject(project, board);
  const session = await openDevice(board, fw.elfPath, { stack: stackBudget(project.manifest) });
  try {
    const m = await measureOnDevice(session, project.graph, data, { samples, onProgress: progress('on device') });
    const lat = summarize(m.latencies);
    const none = lat.median === null ? noLatency(board, project.manifest, dataset, samples) : undefined;
    const result = {
      board: board.id,
      dataset,
      samples: m.samples,
      ...(data.classNames ? { classes: data.classNames } : {}),
      device_top1: m.deviceTop1,
      reference_top1: m.referenceTop1,
      agreement: m.agreement,
      agreement_kind: m.agreementKind,
      latency: { unit: m.unit, median: lat.median, p90: lat.p90, ...(none ? { unavailable: none } : {}) },
    };
    if (json) printJson(result);
    else
      process.stdout.write(
        (m.deviceTop1 === null || m.referenceTop1 === null
          ? 'no top-1 (the samples have no labels), '
          : `device top-1 ${(m.deviceTop1 * 100).toFixed(2)}%, reference ${(m.referenceTop1 * 100).toFixed(2)}%, `) +
          `agreement ${(m.agreement * 100).toFixed(2)}% (${m.agreementKind}) ` +
          `on ${m.samples} samples\n` +
          (none
            ? `${formatNoLatency(board, none)}\n`
            : `latency median ${lat.median!.toLocaleString('en-US')} ${m.unit}, p90 ${lat.p90!.toLocaleString('en-US')} ${m.unit}\n`),
      );
  } finally {
    await session.close();
  }
}

export function register(program: Command): void {
  datasetOptions(preprocessOptions(program.command('eval')), 'test data', { required: true })
    .description('measure top-1 of a model on a dataset (host reference and onnxruntime)')
    .argument('<model>', 'model file (.onnx, TF.js model.json, .tflite), or with --board a folder written by `tinyforge compile`')
    .option('--board <id>', 'measure on this board (or its emulator) instead of the host')
    .option('--samples <n>', 'same as --limit', positiveInteger('samples'))
    .option('--limit <n>', 'evaluate only the first n test samples', positiveInteger('limit'))
    .option('--json', 'print JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ tinyforge eval examples/mnist-cnn/model.onnx --dataset mnist --limit 1000')
    .action(
      async (
        modelPath: string,
        opts: DatasetFlags & {
          dataset: string;
          limit?: number;
          samples?: number;
          board?: string;
          json?: boolean;
          inputScale?: string;
          mean?: string;
          std?: string;
        },
      ) => {
        opts.limit ??= opts.samples;
        if (opts.board) return evalOnBoard(modelPath, opts.board, opts, opts.limit ?? 100, !!opts.json);
        const { loadModelWithPreprocess } = await import('../steps.ts');
        const { evaluateOnHost } = await import('../evaluate-host.ts');
        const g = await loadModelWithPreprocess(modelPath, opts);
        const data = await loadDatasetFor(g, opts, { split: 'test', limit: opts.limit });
        requireLabels(data, 'eval on the host (top-1)');
        const onnxBytes = modelPath.endsWith('.onnx') ? new Uint8Array(await readFile(modelPath)) : undefined;
        const r = await evaluateOnHost(g, data, { limit: opts.limit, onnxBytes, onProgress: progress('eval') });
        const result = {
          model: modelPath,
          dataset: opts.dataset,
          samples: r.samples,
          ...(data.classNames ? { classes: data.classNames } : {}),
          onnxruntime_top1: r.onnxruntimeTop1,
          reference_top1: r.referenceTop1,
          ...(r.onnxruntimeOff ? { onnxruntime_off: r.onnxruntimeOff.reason } : {}),
        };
        if (r.onnxruntimeOff) {
          log(
            formatDiagnostic({
              code: 'onnxruntime-off',
              severity: 'warning',
              message: `the onnxruntime cross-check is off: ${r.onnxruntimeOff.reason}`,
              hint: r.onnxruntimeOff.hint,
            }),
          );
        }
        if (opts.json) printJson(result);
        else {
          const pct = (v: number | null) =>
            v !== null ? `${(v * 100).toFixed(2)}%` : r.onnxruntimeOff ? 'off (see the warning above)' : 'n/a (not a float model)';
          log(`${modelPath} on ${r.samples} ${opts.dataset} test samples:`);
          process.stdout.write(`onnxruntime top-1: ${pct(r.onnxruntimeTop1)}\nreference   top-1: ${pct(r.referenceTop1)}\n`);
        }
      },
    );
}
