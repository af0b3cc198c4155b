// Sweeps over many machines on BullMQ (Redis): the sweep puts its jobs, its spec and the model files in Redis and
// collects the results; `tinyforge worker` processes on each host take jobs for the boards they serve (emulated boards
// from one queue, each real board from its own, so its jobs only reach a host that has it). A worker that dies
// mid-job stops renewing its lock and BullMQ's stalled-job check gives the job to another; a board that stops
// answering is taken out of service and its job retried elsewhere.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { TinyforgeError } from '../diagnostics.ts';
import { loadBoard } from '../build/boards.ts';
import { cacheRoot } from '../cli/compression-cache.ts';
import { FLOAT_RECIPE, runJob, workerName, type JobResult, type SweepJob } from './job.ts';
import type { JobQueue, SweepSpec } from './sweep.ts';

/** Jobs any worker can run: emulated boards (QEMU) and the host. */
export const EMULATED_QUEUE = 'tinyforge-jobs';
/** Jobs of one real board: only workers started with --board <id> take them. */
export const boardQueue = (board: string): string => `tinyforge-board-${board}`;

const SPEC_KEY = (id: string) => `tinyforge:sweep:${id}`;
const BLOB_KEY = (sha: string) => `tinyforge:blob:${sha}`;
export const OUT_OF_SERVICE_KEY = 'tinyforge:out-of-service';
/** Results, jobs and files stay this long for `--resume`. */
const KEEP_SECONDS = 14 * 24 * 3600;

/** Device errors that say the board stopped answering (not that the model is wrong). */
const BOARD_SILENT = new Set([
  'timeout',
  'link-error',
  'esp-no-sync',
  'esp-port-open',
  'esp-port-closed',
  'openocd-no-probe',
  'flash-failed',
  'flash-verify-failed',
]);

/** The queue a job goes to: its real board's own, else the shared one. */
export function queueFor(board: string): string {
  const b = loadBoard(board);
  return b.flasher === 'esptool' || b.flasher === 'openocd' ? boardQueue(board) : EMULATED_QUEUE;
}

/** Files a job needs on the worker's host, by content hash: the model (TF.js: model.json and its weight files) and a
 *  recipe .json. `main` is the one to pass to deploy. */
export interface ShippedFiles {
  main: string;
  files: { name: string; sha: string }[];
}

interface JobData {
  job: SweepJob;
  model: ShippedFiles;
  recipe?: ShippedFiles;
}

function checkUrl(url: string): void {
  if (!/^rediss?:\/\//.test(url)) {
    throw new TinyforgeError('bad-argument', `--queue ${url}: not a Redis URL`, {
      location: { field: '--queue' },
      hint: 'e.g. --queue redis://127.0.0.1:6379',
    });
  }
}

/** A connection that waits through a Redis restart (commands queue until it is back), after checking it answers now. */
export async function connect(url: string, onNote: (line: string) => void): Promise<Redis> {
  checkUrl(url);
  const conn = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true, retryStrategy: (n) => Math.min(200 * n, 2000) });
  conn.on('error', () => {}); // reconnecting is reported below, once per outage
  try {
    await Promise.race([conn.connect(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000))]);
    await conn.ping();
  } catch (e) {
    conn.disconnect();
    throw new TinyforgeError('queue-unreachable', `cannot reach Redis at ${url}: ${(e as Error).message}`, {
      location: { field: '--queue' },
      hint: 'start it (Debian: apt-get install redis-server; redis-server --port 6379) or check the host and port',
    });
  }
  let down = false;
  conn.on('reconnecting', () => {
    if (!down) onNote(`lost Redis at ${url}: reconnecting (jobs carry on; results wait in Redis)`);
    down = true;
  });
  conn.on('ready', () => {
    if (down) onNote(`Redis at ${url} is back`);
    down = false;
  });
  return conn;
}

function modelFiles(path: string): string[] {
  if (!path.toLowerCase().endsWith('.json') || path.toLowerCase().endsWith('.tfir.json')) return [path];
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as { weightsManifest?: { paths: string[] }[] };
    return [path, ...(manifest.weightsManifest ?? []).flatMap((g) => g.paths.map((p) => join(dirname(path), p)))];
  } catch {
    return [path];
  }
}

async function ship(conn: Redis, paths: string[]): Promise<ShippedFiles> {
  const files = [];
  for (const p of paths) {
    const bytes = readFileSync(p);
    const sha = createHash('sha256').update(bytes).digest('hex');
    await conn.set(BLOB_KEY(sha), bytes, 'EX', KEEP_SECONDS);
    files.push({ name: p === paths[0] ? basename(p) : join(...p.slice(dirname(paths[0]).length + 1).split(/[\\/]/)), sha });
  }
  return { main: files[0].name, files };
}

/** Writes shipped files under the worker's cache (once per content) and returns the main file's path. */
async function unship(conn: Redis, shipped: ShippedFiles): Promise<string> {
  const dir = join(cacheRoot(), 'shipped', shipped.files[0].sha.slice(0, 32));
  for (const f of shipped.files) {
    const path = join(dir, f.name);
    if (existsSync(path)) continue;
    const bytes = await conn.getBuffer(BLOB_KEY(f.sha));
    if (!bytes) throw new Error(`the file ${f.name} of this job is no longer in Redis`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.tmp-${process.pid}`, bytes);
    renameSync(`${path}.tmp-${process.pid}`, path);
  }
  return join(dir, shipped.main);
}

/** The spec a sweep stored, for `--resume` on a host that lost its sweep.json. */
export async function storedSpec(url: string, id: string): Promise<SweepSpec | undefined> {
  const conn = await connect(url, () => {});
  try {
    const text = await conn.get(SPEC_KEY(id));
    return text ? (JSON.parse(text) as SweepSpec) : undefined;
  } finally {
    conn.disconnect();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The sweep's side: queue the jobs (once: a job id already there is left alone), then poll their states. */
export async function redisSweepQueue(opts: {
  url: string;
  sweepId: string;
  /** What `--resume` starts from: a sweep's spec (a regression run stores its spec too, for the record). */
  spec: SweepSpec | object;
  onNote: (line: string) => void;
  pollMs?: number;
}): Promise<JobQueue> {
  const conn = await connect(opts.url, opts.onNote);
  await conn.set(SPEC_KEY(opts.sweepId), JSON.stringify(opts.spec), 'EX', KEEP_SECONDS);
  const queues = new Map<string, Queue>();
  const queueOf = (name: string) => {
    if (!queues.has(name)) queues.set(name, new Queue(name, { connection: conn }));
    return queues.get(name)!;
  };
  let closed = false;
  return {
    name: opts.url,
    workers: null,
    async run(jobs, events) {
      const shipped = new Map<string, ShippedFiles>();
      const shipOnce = async (path: string, paths: string[]) => {
        if (!shipped.has(path)) shipped.set(path, await ship(conn, paths));
        return shipped.get(path)!;
      };
      for (const job of jobs) {
        const data: JobData = {
          job,
          model: await shipOnce(job.modelPath, modelFiles(job.modelPath)),
          ...(job.recipe !== FLOAT_RECIPE && job.recipe.endsWith('.json') ? { recipe: await shipOnce(job.recipe, [job.recipe]) } : {}),
        };
        await queueOf(queueFor(job.board)).add(job.name, data, {
          jobId: job.id,
          attempts: 3,
          backoff: { type: 'fixed', delay: 1000 },
          removeOnComplete: { age: KEEP_SECONDS },
          removeOnFail: { age: KEEP_SECONDS },
        });
      }
      const pending = new Map(jobs.map((j) => [j.id, j]));
      let lastNote = Date.now();
      while (pending.size > 0 && !closed) {
        for (const [id, job] of pending) {
          const q = queueOf(queueFor(job.board));
          const j = await Job.fromId<JobData, JobResult>(q, id);
          const state = j ? await j.getState() : 'missing';
          if (state === 'completed' && j!.returnvalue) {
            pending.delete(id);
            events.onResult(j!.returnvalue);
          } else if (state === 'failed') {
            pending.delete(id);
            events.onResult({
              id,
              status: 'failed',
              error: { code: 'job-failed', message: `${job.name} failed ${j!.attemptsMade} times: ${j!.failedReason}` },
              compression_cached: null,
              worker: 'queue',
              wall_ms: 0,
            });
          }
        }
        if (Date.now() - lastNote > 30_000 && pending.size > 0) {
          lastNote = Date.now();
          for (const name of new Set([...pending.values()].map((j) => queueFor(j.board)))) {
            if ((await queueOf(name).getWorkersCount()) === 0)
              opts.onNote(
                `waiting: no worker takes jobs from ${name}${name === EMULATED_QUEUE ? '' : ' (start one with tinyforge worker --board … --port …)'}`,
              );
          }
        }
        if (pending.size > 0) await sleep(opts.pollMs ?? 500);
      }
    },
    async close() {
      closed = true;
      for (const q of queues.values()) await q.close();
      conn.disconnect();
    },
  };
}

export interface WorkerOptions {
  url: string;
  /** Real boards this host serves, each on its serial port. */
  boards: { board: string; port: string }[];
  /** Emulated jobs at once (0: serve real boards only). */
  concurrency: number;
  /** A job whose worker stopped renewing its lock this long ago is given to another worker. */
  lockMs: number;
  onNote: (line: string) => void;
  /** Each job this worker finished and BullMQ recorded as completed. */
  onDone?: (job: SweepJob, result: JobResult) => void;
}

export interface RunningWorker {
  /** Finishes the jobs in hand, then stops. */
  close(): Promise<void>;
  /** Resolves when every board queue has been closed (all boards out of service and no emulated jobs served). */
  idle: Promise<void>;
}

/** A worker process's side: one BullMQ worker for emulated jobs, one per real board. */
export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const conn = await connect(opts.url, opts.onNote);
  const workDir = join(tmpdir(), `tinyforge-worker-${process.pid}`);
  const workers: Worker[] = [];
  const settings = { connection: conn, lockDuration: opts.lockMs, stalledInterval: opts.lockMs, maxStalledCount: 2 };
  const process1 =
    (port?: string, takeOutOfService?: (reason: string) => void) =>
    async (job: Job<JobData, JobResult>): Promise<JobResult> => {
      const { job: spec } = job.data;
      opts.onNote(`${spec.name}: started (attempt ${job.attemptsMade + 1})`);
      const modelPath = await unship(conn, job.data.model);
      const recipePath = job.data.recipe ? await unship(conn, job.data.recipe) : undefined;
      const outDir = join(workDir, `${spec.id}-${job.attemptsMade + 1}`);
      try {
        const result = await runJob(spec, { outDir, modelPath, recipePath, port });
        if (result.status === 'failed' && port && BOARD_SILENT.has(result.error!.code)) {
          takeOutOfService?.(`${result.error!.code}: ${result.error!.message}`);
          throw new Error(
            `board ${spec.board} on ${hostname()}:${port} stopped answering (${result.error!.code}); the job goes to another worker`,
          );
        }
        opts.onNote(
          `${spec.name}: ${result.status}${result.error ? ` (${result.error.code})` : ''} in ${(result.wall_ms / 1000).toFixed(1)} s`,
        );
        return result;
      } finally {
        rmSync(outDir, { recursive: true, force: true });
      }
    };
  if (opts.concurrency > 0)
    workers.push(
      new Worker<JobData, JobResult>(EMULATED_QUEUE, process1(), { ...settings, concurrency: opts.concurrency, name: workerName() }),
    );
  for (const { board, port } of opts.boards) {
    let w: Worker<JobData, JobResult>;
    const out = (reason: string) => {
      opts.onNote(`board ${board} on ${port} taken out of service: ${reason}`);
      void conn.hset(OUT_OF_SERVICE_KEY, `${hostname()}:${port}`, JSON.stringify({ board, reason, at: new Date().toISOString() }));
      setImmediate(() => void w.close());
    };
    w = new Worker<JobData, JobResult>(boardQueue(board), process1(port, out), {
      ...settings,
      concurrency: 1,
      name: `${workerName()}:${port}`,
    });
    workers.push(w);
  }
  for (const w of workers) {
    w.on('error', () => {}); // connection errors while Redis restarts: it reconnects
    // Only once BullMQ has recorded the result: a job whose lock was lost is finished by the worker that holds it now.
    w.on('completed', (job, result) => opts.onDone?.(job.data.job, result));
  }
  const idle = Promise.all(workers.map((w) => new Promise<void>((r) => w.once('closed', () => r())))).then(() => {});
  return {
    idle,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      conn.disconnect();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
