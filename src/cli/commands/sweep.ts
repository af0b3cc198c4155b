// `tinyforge sweep`: every (model × board × recipe) deployed and measured, on this machine or on workers through
// Redis; sweep.json and sweep.html with the Pareto fronts, the points within the limits and the one recommended.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TinyforgeError } from '../../diagnostics.ts';
import { log, printJson, table } from '../output.ts';
import { datasetOptions, positiveInteger, type DatasetFlags } from '../dataset-options.ts';
import type { SweepSpec } from '../../sweep/sweep.ts';
import { commaList, limitOptions, limitsOf, type LimitFlags } from '../limit-options.ts';
import type { QueueFlags } from '../sweep-options.ts';

interface SweepFlags extends LimitFlags, QueueFlags, DatasetFlags {
  recipes?: string[];
  boards?: string[];
  dataset: string;
  samples: number;
  calibrationSamples: number;
  out?: string;
  resume?: string;
  cache: boolean;
  tune?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  const sweep = program
    .command('sweep')
    .description(
      'deploy and measure every recipe × board for one or more models; write sweep.json and sweep.html with the Pareto front and a recommendation',
    )
    .argument('[models...]', 'model files (.onnx, TF.js model.json, .tflite, .tfir.json); none with --resume')
    .option('--recipes <list>', 'comma-separated presets, recipe .json files, or float (no compression)', commaList)
    .option('--boards <list>', 'comma-separated board ids (`tinyforge boards`)', commaList);
  limitOptions(
    datasetOptions(sweep, 'calibration, fine-tuning and test data (as for deploy)', { fallback: 'mnist' })
      .option('--samples <n>', 'test samples streamed to the device per job', positiveInteger('samples'), 100)
      .option('--calibration-samples <n>', 'training samples int8 ranges are calibrated on', positiveInteger('calibration-samples'), 200),
  )
    .option('--workers <n>', 'jobs at once on this machine (default: one per core)', positiveInteger('workers'))
    .option('--queue <redis-url>', 'put the jobs on a BullMQ queue in Redis (redis://host:6379) for `tinyforge worker` processes to run')
    .option(
      '--resume <id>',
      'continue the sweep with this id: its finished jobs are kept, the others run (with --queue: re-attach to its jobs)',
    )
    .option('-o, --out <dir>', 'output folder (default out/sweep-<id>)')
    .option('--no-cache', 'compute every compression again instead of reading the cache')
    .option('--tune', "deploy every job with --tune: each layer's fastest exact kernel, timed on the board's emulator")
    .option('--json', 'print sweep.json on stdout')
    .addHelpText(
      'after',
      `
Example:
  $ tinyforge sweep examples/mnist-lenet300/model.onnx examples/mnist-cnn/model.onnx --recipes int8,int4,binary \\
      --boards mps2-an386,mps2-an385-armv6m --dataset mnist --samples 200 --max-flash 256K --min-top1 97%
  $ tinyforge sweep examples/mnist-cnn/model.onnx --recipes int8,int4 --boards mps2-an385,mps2-an386 --tune
  $ tinyforge sweep --resume 3f2a9c01                      # after an interruption
  $ tinyforge sweep model.onnx --recipes int8 --boards nucleo-f446re --queue redis://lab:6379   # on the board farm`,
    )
    .action(async (models: string[], opts: SweepFlags) => {
      const { newSweepId, readSweep, runSweep } = await import('../../sweep/sweep.ts');
      const { checkSpec, openQueue, sweepProgress } = await import('../sweep-options.ts');
      const id = opts.resume ?? newSweepId();
      let outDir = opts.out ?? join('out', `sweep-${id}`);
      const previous = opts.resume ? readSweep(outDir) : undefined;
      const startedIn = previous?.started_in;
      if (startedIn && resolve(startedIn) !== process.cwd() && existsSync(startedIn)) {
        // The sweep's relative paths name files in the folder it was started in: run from there.
        outDir = resolve(outDir);
        process.chdir(startedIn);
        log(`note: resuming in ${startedIn}, where the sweep was started (its model and dataset paths are relative to it)`);
      }
      let spec: SweepSpec | undefined;
      if (opts.resume) {
        spec = previous?.spec;
        if (!spec && opts.queue)
          spec = await (await (await import('../../sweep/load-redis-queue.ts')).loadRedisQueue()).storedSpec(opts.queue, id);
        if (!spec) {
          throw new TinyforgeError(
            'unknown-sweep',
            `no sweep ${id}: ${join(outDir, 'sweep.json')} does not exist${opts.queue ? ` and ${opts.queue} does not know it` : ''}`,
            {
              location: { file: join(outDir, 'sweep.json') },
              hint: 'pass the -o folder the sweep wrote to, or --queue for a sweep that ran on Redis',
            },
          );
        }
        if (models.length || opts.recipes || opts.boards)
          log('note: --resume continues the sweep as it was started; the models, recipes and boards given now are ignored');
      } else {
        spec = {
          models,
          recipes: opts.recipes ?? [],
          boards: opts.boards ?? [],
          dataset: opts.dataset,
          samples: opts.samples,
          calibration_samples: opts.calibrationSamples,
          ...(opts.datasetEncoding !== undefined ? { dataset_encoding: opts.datasetEncoding } : {}),
          ...(opts.labelColumn !== undefined ? { label_column: opts.labelColumn } : {}),
          limits: limitsOf(opts),
          ...(opts.cache === false ? { no_cache: true } : {}),
          ...(opts.tune ? { tune: true } : {}),
        };
      }
      checkSpec(spec);
      const queueFlags = { ...opts, queue: opts.queue ?? (previous && previous.queue !== 'local' ? previous.queue : undefined) };
      const queue = await openQueue(queueFlags, outDir, id, spec);
      const resume = `tinyforge sweep --resume ${id}${opts.out ? ` -o ${opts.out}` : ''}${queueFlags.queue ? ` --queue ${queueFlags.queue}` : ''}`;
      const done = previous?.jobs.filter((j) => j.status !== 'pending').length ?? 0;
      const total = spec.models.length * spec.boards.length * spec.recipes.length;
      log(
        `sweep ${id}: ${total} jobs (${spec.models.length} model${spec.models.length > 1 ? 's' : ''} × ${spec.boards.length} board${spec.boards.length > 1 ? 's' : ''} × ${spec.recipes.length} recipe${spec.recipes.length > 1 ? 's' : ''}) on ${queue.name === 'local' ? `this machine, ${queue.workers} at once` : queue.name}; writing ${outDir}`,
      );
      const stop = () => {
        log(`\nstopping: finished jobs are in ${join(outDir, 'sweep.json')}; continue with: ${resume}`);
        void queue.close();
      };
      process.once('SIGINT', stop);
      let record;
      try {
        record = await runSweep(spec, { id, outDir, queue, previous, resume, onResult: sweepProgress(total, done).onResult });
      } finally {
        process.removeListener('SIGINT', stop);
        await queue.close();
      }
      if (opts.json) {
        printJson(record);
        return;
      }
      const pctText = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(2)}%`);
      process.stdout.write(
        table(
          ['job', 'top-1', 'latency', 'flash B', 'RAM B', 'front', 'limits / error'],
          record.jobs.map((r) => [
            r.name,
            pctText(r.figures?.device_top1),
            r.figures?.latency == null ? '—' : `${r.figures.latency.toLocaleString('en-US')} ${r.figures.latency_unit}`,
            r.figures ? r.figures.flash_bytes : '—',
            r.figures ? r.figures.ram_bytes : '—',
            r.pareto ? 'yes' : '',
            r.status === 'failed'
              ? `error[${r.error?.code}]`
              : r.status === 'pending'
                ? 'pending'
                : r.limit_failures.length
                  ? r.limit_failures.map((f) => f.split(':')[0]).join(', ')
                  : 'ok',
          ]),
        ) + '\n',
      );
      const rec = record.recommended;
      process.stdout.write(rec ? `\nrecommended: ${rec.name}\n  ${rec.command}\n` : '\nno measured point is within the limits\n');
      process.stdout.write(`\nwrote ${join(outDir, 'sweep.json')} and sweep.html (${(record.wall_ms / 1000).toFixed(1)} s)\n`);
    });
}
