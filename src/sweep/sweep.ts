// A sweep: every (model × board × recipe) job run through a queue (in this process, or BullMQ on Redis), each result
// written as it arrives to <out>/jobs/<id>/report.json and to sweep.json / sweep.html with the Pareto fronts, the
// points within the limits and the one recommended; a sweep stopped half way is resumed from sweep.json.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TinyforgeError } from '../diagnostics.ts';
import { loadBoard } from '../build/boards.ts';
import { TOOL_VERSION } from '../package.ts';
import { renderHtml } from '../report/html.ts';
import { renderSweepHtml } from '../report/sweep-html.ts';
import { jobCommand, modelLabel, type JobResult, type SweepJob } from './job.ts';
import { figuresOf } from '../report/figures.ts';
import { limitFailures, paretoFronts, recommend, RECOMMENDATION_RULE, type Point } from '../report/pareto.ts';
import type { SweepRecord, SweepRow, SweepSpec } from '../report/sweep-record.ts';

export type { SweepRecord, SweepRow, SweepSpec };

export const SWEEP_FILE = 'sweep.json';

export const newSweepId = (): string => randomBytes(4).toString('hex');

/** The jobs of a spec, model by model, board by board, recipe by recipe: jobs that run at the same time mostly differ
 *  in recipe, so a board's later jobs find their compression in the cache. */
export function planJobs(spec: SweepSpec, id: string): SweepJob[] {
  const jobs: SweepJob[] = [];
  const labels = spec.models.map(modelLabel);
  for (const [m, modelPath] of spec.models.entries()) {
    const model = labels.filter((l) => l === labels[m]).length > 1 ? `${labels[m]}#${m + 1}` : labels[m];
    for (const board of spec.boards) {
      for (const recipe of spec.recipes) {
        jobs.push({
          id: `${id}-${jobs.length + 1}`,
          name: `${model}/${modelLabel(recipe)}/${board}`,
          model,
          modelPath,
          recipe,
          board,
          dataset: spec.dataset,
          samples: spec.samples,
          calibrationSamples: spec.calibration_samples,
          ...(spec.dataset_encoding !== undefined ? { datasetEncoding: spec.dataset_encoding } : {}),
          ...(spec.label_column !== undefined ? { labelColumn: spec.label_column } : {}),
          ...(spec.no_cache ? { noCache: true } : {}),
          ...(spec.tune ? { tune: true } : {}),
        });
      }
    }
  }
  return jobs;
}

export interface JobQueue {
  /** 'local' or the queue's URL. */
  readonly name: string;
  /** Jobs run at once (local), or null when workers elsewhere decide. */
  readonly workers: number | null;
  /** Runs every job; `onResult` sees each result once, as it arrives. */
  run(jobs: SweepJob[], events: { onResult: (r: JobResult) => void; onStart?: (job: SweepJob) => void }): Promise<void>;
  close(): Promise<void>;
}

function pendingRow(job: SweepJob): SweepRow {
  return {
    id: job.id,
    name: job.name,
    model: job.model,
    model_path: job.modelPath,
    recipe: job.recipe,
    board: job.board,
    status: 'pending',
    command: jobCommand(job),
    figures: null,
    error: null,
    compression_cached: null,
    worker: null,
    wall_ms: null,
    pareto: false,
    meets_limits: null,
    limit_failures: [],
    report: null,
  };
}

/** Fronts, limits and the recommendation over the measured rows. */
export function summarize(record: SweepRecord): void {
  const points: Point[] = record.jobs
    .filter((r) => r.status === 'ok' && r.figures)
    .map((r) => ({ id: r.id, board: r.board, figures: r.figures! }));
  record.pareto = paretoFronts(points);
  const front = new Set(Object.values(record.pareto).flat());
  for (const r of record.jobs) {
    r.pareto = front.has(r.id);
    r.limit_failures = r.figures ? limitFailures(r.figures, record.spec.limits) : [];
    r.meets_limits = r.status === 'ok' ? r.limit_failures.length === 0 : r.status === 'failed' ? false : null;
  }
  const best = recommend(points, record.spec.limits);
  const row = best && record.jobs.find((r) => r.id === best.id)!;
  record.recommended = row ? { id: row.id, name: row.name, command: row.command, rule: RECOMMENDATION_RULE } : null;
  record.done = record.jobs.filter((r) => r.status !== 'pending').length;
  record.total = record.jobs.length;
}

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Board limits for the HTML charts, read once per board. */
function boardLimits(ids: string[]): Record<string, { flash_bytes: number; ram_bytes: number; name: string }> {
  const out: Record<string, { flash_bytes: number; ram_bytes: number; name: string }> = {};
  for (const id of ids) {
    const b = loadBoard(id);
    out[id] = { flash_bytes: b.flashBytes, ram_bytes: b.ramBytes, name: b.name };
  }
  return out;
}

export function writeSweep(outDir: string, record: SweepRecord): void {
  summarize(record);
  record.updated_at = new Date().toISOString();
  writeAtomically(join(outDir, SWEEP_FILE), JSON.stringify(record, null, 2) + '\n');
  writeAtomically(join(outDir, 'sweep.html'), renderSweepHtml(record, boardLimits(record.spec.boards)));
}

export function readSweep(outDir: string): SweepRecord | undefined {
  const file = join(outDir, SWEEP_FILE);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SweepRecord;
  } catch (e) {
    throw new TinyforgeError('bad-sweep', `${file} is not a sweep record: ${(e as Error).message}`, {
      location: { file },
      hint: 'start a new sweep instead of --resume',
    });
  }
}

export interface RunSweepOptions {
  id: string;
  outDir: string;
  queue: JobQueue;
  /** A record of an earlier run of the same sweep: its finished rows are kept, its pending ones run. */
  previous?: SweepRecord;
  /** Wording for how to resume, stored in the record. */
  resume: string;
  onStart?: (job: SweepJob) => void;
  onResult?: (row: SweepRow, record: SweepRecord) => void;
}

/** Runs the jobs not finished yet and keeps sweep.json / sweep.html current after each one. */
export async function runSweep(spec: SweepSpec, opts: RunSweepOptions): Promise<SweepRecord> {
  mkdirSync(join(opts.outDir, 'jobs'), { recursive: true });
  const started = performance.now();
  const jobs = planJobs(spec, opts.id);
  const kept = new Map((opts.previous?.jobs ?? []).filter((r) => r.status !== 'pending').map((r) => [r.id, r]));
  const now = new Date().toISOString();
  const record: SweepRecord = {
    tool: { name: 'tinyforge', version: TOOL_VERSION },
    id: opts.id,
    queue: opts.queue.name,
    workers: opts.queue.workers,
    spec,
    created_at: opts.previous?.created_at ?? now,
    updated_at: now,
    wall_ms: opts.previous?.wall_ms ?? 0,
    done: 0,
    total: jobs.length,
    jobs: jobs.map((j) => kept.get(j.id) ?? pendingRow(j)),
    pareto: {},
    recommended: null,
    resume: opts.resume,
    started_in: opts.previous?.started_in ?? process.cwd(),
  };
  const base = record.wall_ms;
  writeSweep(opts.outDir, record);
  const todo = jobs.filter((j) => !kept.has(j.id));
  const limits = boardLimits(spec.boards);
  await opts.queue.run(todo, {
    onStart: opts.onStart,
    onResult: (r) => {
      const row = record.jobs.find((x) => x.id === r.id);
      if (!row || row.status !== 'pending') return; // a result seen twice counts once
      row.status = r.status;
      row.worker = r.worker;
      row.wall_ms = r.wall_ms;
      row.compression_cached = r.compression_cached;
      row.error = r.error ?? null;
      if (r.report) {
        const dir = join(opts.outDir, 'jobs', r.id);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'report.json'), JSON.stringify(r.report, null, 2) + '\n');
        writeFileSync(join(dir, 'report.html'), renderHtml(r.report, limits[row.board]));
        row.figures = figuresOf(r.report);
        row.report = `jobs/${r.id}/report.json`;
      }
      record.wall_ms = base + Math.round(performance.now() - started);
      writeSweep(opts.outDir, record);
      opts.onResult?.(row, record);
    },
  });
  record.wall_ms = base + Math.round(performance.now() - started);
  writeSweep(opts.outDir, record);
  return record;
}
