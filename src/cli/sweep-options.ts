// What `sweep` and `test` share once they run: checking models, boards and recipes before any job is queued, the
// queue a sweep runs on (this process, or BullMQ on Redis), and the progress lines.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TinyforgeError } from '../diagnostics.ts';
import { loadBoard } from '../build/boards.ts';
import { presets } from '../compress/presets.ts';
import { validateRecipe } from '../compress/pipeline.ts';
import { FLOAT_RECIPE } from '../sweep/job.ts';
import type { JobQueue, SweepRecord, SweepRow, SweepSpec } from '../sweep/sweep.ts';
import { log, progress } from './output.ts';
import { loadRecipe } from './steps.ts';
import { assertTunable } from './tunable.ts';

/** Every model, board and recipe of a spec is checked before anything is queued: one bad name stops the sweep at once
 *  instead of failing every job that uses it. */
export function checkSpec(spec: SweepSpec, where?: string): void {
  if (spec.models.length === 0)
    throw new TinyforgeError('bad-argument', 'no model to sweep', {
      location: where ? { file: where } : undefined,
      hint: 'name at least one model file',
    });
  for (const m of spec.models) {
    if (!existsSync(m))
      throw new TinyforgeError('file-not-found', `model ${m} does not exist`, { location: { file: where ?? m }, hint: 'check the path' });
  }
  if (spec.boards.length === 0)
    throw new TinyforgeError('bad-argument', 'no board to sweep', {
      location: where ? { file: where } : { field: '--boards' },
      hint: 'e.g. --boards mps2-an386,microbit (`tinyforge boards` lists them)',
    });
  for (const b of spec.boards) {
    const board = loadBoard(b);
    if (spec.tune) assertTunable(board, where ? { file: where } : { field: '--boards' });
  }
  if (spec.recipes.length === 0)
    throw new TinyforgeError('bad-argument', 'no recipe to sweep', {
      location: where ? { file: where } : { field: '--recipes' },
      hint: `e.g. --recipes int8,int4,${FLOAT_RECIPE}`,
    });
  for (const r of spec.recipes) {
    if (r === FLOAT_RECIPE) continue;
    const recipe = loadRecipe(r);
    if (typeof recipe === 'string') {
      if (!Object.hasOwn(presets, recipe)) {
        throw new TinyforgeError('bad-recipe', `unknown compression preset "${r}"`, {
          location: where ? { file: where } : { field: '--recipes' },
          hint: `use presets (${Object.keys(presets).join(', ')}), ${FLOAT_RECIPE} (no compression), or recipe .json files`,
        });
      }
    } else validateRecipe(recipe);
  }
}

export interface QueueFlags {
  queue?: string;
  workers?: number;
}

/** The queue to run on: BullMQ at --queue redis://…, else this process with --workers slots (one per core). */
export async function openQueue(flags: QueueFlags, outDir: string, sweepId: string, spec: SweepSpec | object): Promise<JobQueue> {
  if (flags.queue) {
    const { redisSweepQueue } = await (await import('../sweep/load-redis-queue.ts')).loadRedisQueue();
    return redisSweepQueue({ url: flags.queue, sweepId, spec, onNote: log });
  }
  const { defaultWorkers, localQueue } = await import('../sweep/local-queue.ts');
  return localQueue({ workers: flags.workers ?? defaultWorkers(), jobsDir: join(outDir, 'jobs') });
}

/** A line per finished job. */
export function jobLine(row: SweepRow, record: SweepRecord): string {
  const n = `[${record.done}/${record.total}] ${row.name}`;
  if (row.status === 'failed') return `${n}: error[${row.error?.code}]: ${row.error?.message}`;
  const f = row.figures!;
  const lat = f.latency === null ? 'latency unavailable' : `${f.latency.toLocaleString('en-US')} ${f.latency_unit}`;
  const cached = row.compression_cached === true ? ', compression from the cache' : '';
  return `${n}: top-1 ${f.device_top1 === null ? '—' : `${(f.device_top1 * 100).toFixed(2)}%`}, ${lat}, flash ${f.flash_bytes.toLocaleString('en-US')} B, RAM ${f.ram_bytes.toLocaleString('en-US')} B${cached} (${((row.wall_ms ?? 0) / 1000).toFixed(1)} s on ${row.worker})`;
}

/** Progress for a sweep: a line per job, and the count with an ETA. */
export function sweepProgress(total: number, already: number): { onResult: (row: SweepRow, record: SweepRecord) => void } {
  const bar = progress('sweep jobs');
  let done = already;
  if (already > 0) log(`${already} of ${total} jobs were done before: running the other ${total - already}`);
  return {
    onResult: (row, record) => {
      done++;
      log(jobLine(row, record));
      bar(done - already, total - already);
    },
  };
}
