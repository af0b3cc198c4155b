// One sweep job: a model, a recipe and a board, run as `tinyforge deploy` in a child process of its own (a crash, a
// leak or a hung device stays in that job), its report.json or its error read back as the job's result.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Diagnostic } from '../diagnostics.ts';
import { packagePath } from '../package.ts';
import type { Report } from '../report/report.ts';
import { CACHE_HIT_PREFIX, CACHE_STORED_PREFIX } from '../cli/compression-cache.ts';
import { STOP_WITH_PARENT_ENV } from '../cli/parent-watch.ts';

/** A recipe that means "no compression, no quantization": the float model as it is. */
export const FLOAT_RECIPE = 'float';

export interface SweepJob {
  /** Unique within its sweep: `<sweep id>-<n>`. */
  id: string;
  /** `<model>/<recipe>/<board>`, for people. */
  name: string;
  model: string;
  /** The model file as given to the sweep. */
  modelPath: string;
  /** A preset name, a recipe .json path, or 'float'. */
  recipe: string;
  board: string;
  dataset: string;
  samples: number;
  calibrationSamples: number;
  datasetEncoding?: string;
  labelColumn?: string;
  /** Compute compressions again instead of reading the cache. */
  noCache?: boolean;
  /** Deploy with --tune. */
  tune?: boolean;
}

export interface JobResult {
  id: string;
  status: 'ok' | 'failed';
  report?: Report;
  error?: Pick<Diagnostic, 'code' | 'message' | 'hint' | 'notes'>;
  /** Whether the job's compression came from the cache; null when nothing was compressed or it failed before. */
  compression_cached: boolean | null;
  /** Which worker ran it: host and process. */
  worker: string;
  wall_ms: number;
}

/** A model's short name: the file's, or for model.onnx / model.json its folder's (examples/mnist-cnn/model.onnx → mnist-cnn). */
export function modelLabel(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  let name = (parts.at(-1) ?? 'model').replace(/\.tfir\.json$|\.[^.]+$/i, '');
  if (name === 'model' && parts.length > 1) name = parts.at(-2)!;
  return name;
}

/** The deploy flags of a job, after `tinyforge deploy <model>` (a float job quantizes nothing). */
export function deployArgs(job: SweepJob, modelPath = job.modelPath, recipePath = job.recipe): string[] {
  const args = [modelPath, '--board', job.board, '--dataset', job.dataset, '--samples', String(job.samples)];
  if (job.recipe === FLOAT_RECIPE) args.push('--quantize', 'none');
  else args.push('--compress', recipePath);
  if (job.calibrationSamples !== 200) args.push('--calibration-samples', String(job.calibrationSamples));
  if (job.datasetEncoding !== undefined) args.push('--dataset-encoding', job.datasetEncoding);
  if (job.labelColumn !== undefined) args.push('--label-column', job.labelColumn);
  if (job.tune) args.push('--tune');
  return args;
}

/** The command a person types to reproduce a job. */
export function jobCommand(job: SweepJob): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ['tinyforge', 'deploy', ...deployArgs(job)].map(quote).join(' ');
}

export interface RunJobOptions {
  /** The folder the job's project and report go to (replaced). */
  outDir: string;
  /** Where the model (and recipe file) are on this host, when not at the paths the job names (a queue worker). */
  modelPath?: string;
  recipePath?: string;
  /** A real board's serial port. */
  port?: string;
  /** Each line the job prints on stderr. */
  onLine?: (line: string) => void;
  /** Stops the job (its deploy process and the QEMU under it). */
  signal?: AbortSignal;
}

export const workerName = (): string => `${hostname()}:${process.pid}`;

/** Runs a job's deploy in a child process; never throws for the job's own failure (that is a failed result). */
export async function runJob(job: SweepJob, opts: RunJobOptions): Promise<JobResult> {
  const started = performance.now();
  const args = [
    packagePath('bin', 'tinyforge.js'),
    'deploy',
    ...deployArgs(job, opts.modelPath, opts.recipePath),
    '--out',
    opts.outDir,
    '--force',
    '--json',
  ];
  if (opts.port) args.push('--port', opts.port);
  if (job.noCache) args.push('--no-cache');
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, [STOP_WITH_PARENT_ENV]: '1' } });
  const abort = () => child.kill('SIGTERM');
  opts.signal?.addEventListener('abort', abort, { once: true });
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    const text = partial + d.toString();
    const lines = text.split(/\r|\n/);
    partial = lines.pop() ?? '';
    stderr += d.toString();
    for (const l of lines) if (l.trim()) opts.onLine?.(l);
  });
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('error', (e) => {
      stderr += `\n${e.message}`;
      resolve({ code: null, signal: null });
    });
    child.on('close', (c, s) => resolve({ code: c, signal: s }));
  });
  opts.signal?.removeEventListener('abort', abort);
  const base = {
    id: job.id,
    worker: workerName(),
    wall_ms: Math.round(performance.now() - started),
    compression_cached: stderr.includes(CACHE_HIT_PREFIX) ? true : stderr.includes(CACHE_STORED_PREFIX) ? false : null,
  };
  const reportFile = `${opts.outDir}/report.json`;
  if (code === 0 && existsSync(reportFile)) {
    return { ...base, status: 'ok', report: JSON.parse(readFileSync(reportFile, 'utf8')) as Report };
  }
  let error: JobResult['error'];
  try {
    const d = (JSON.parse(stdout) as { error?: Diagnostic }).error;
    if (d)
      error = { code: d.code, message: d.message, ...(d.hint ? { hint: d.hint } : {}), ...(d.notes?.length ? { notes: d.notes } : {}) };
  } catch {
    // not a diagnostic: an internal error or a signal, described below from stderr
  }
  if (!error) {
    const last = stderr
      .trim()
      .split('\n')
      .filter((l) => l.trim())
      .slice(-3)
      .join(' / ');
    error = signal
      ? { code: 'job-killed', message: `the deploy process of ${job.name} was stopped by ${signal}` }
      : {
          code: 'job-crashed',
          message: `the deploy process of ${job.name} exited with ${code}: ${last || 'no output'}`,
          hint: `run it alone to see why: ${jobCommand(job)} --verbose`,
        };
  }
  return { ...base, status: 'failed', error };
}
