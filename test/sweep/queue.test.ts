// Sweeps on BullMQ with a real redis-server: three `tinyforge worker` processes, eight jobs on emulated boards; one
// worker SIGKILLed mid-job, Redis restarted mid-sweep, the sweep process itself SIGKILLed and re-attached with
// --resume. Every job completes exactly once and its figures equal those of the same sweep run locally.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyMlp } from '../cli/tiny-model.ts';
import { cliProcess, startRedis, waitFor, type CliProcess, type RedisServer } from './fixtures.ts';
import type { SweepRecord } from '../../src/sweep/sweep.ts';

const dir = mkdtempSync(join(tmpdir(), 'tfg-queue-'));
const model = join(dir, 'tiny.onnx');
const env = { TINYFORGE_CACHE: join(dir, 'cache') };
// 2 models × 2 recipes × 2 emulated boards = 8 jobs, a handful of samples each.
const other = join(dir, 'tiny2.onnx');
const sweepArgs = [
  model,
  other,
  '--recipes',
  'int8,float',
  '--boards',
  'mps2-an386,mps2-an385',
  '--samples',
  '3',
  '--calibration-samples',
  '10',
];

let redis: RedisServer;
const workers: CliProcess[] = [];

beforeAll(async () => {
  writeTinyMlp(model, 1);
  writeTinyMlp(other, 7);
  redis = await startRedis(dir);
});

afterAll(async () => {
  for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
  await redis?.stop();
});

const readRecord = (out: string): SweepRecord | undefined =>
  existsSync(join(out, 'sweep.json')) ? (JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepRecord) : undefined;
const doneLines = (w: CliProcess): { job: string; status: string }[] =>
  w
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));

describe('sweep on a Redis queue', () => {
  it('survives a SIGKILLed worker, a Redis restart and a restarted sweep; every job once, figures equal a local run', async () => {
    for (let i = 0; i < 3; i++)
      workers.push(cliProcess(['worker', '--queue', redis.url, '--concurrency', '1', '--lock-seconds', '4', '--json'], env));
    const out = join(dir, 'queued');
    let sweep = cliProcess(['sweep', ...sweepArgs, '--queue', redis.url, '-o', out, '--json'], env);

    // A worker SIGKILLed while its deploy runs: nothing of it can clean up or hand the job back.
    let victim: CliProcess | undefined;
    await waitFor('a worker to start a job', () => !!(victim = workers.find((w) => /: started/.test(w.stderr()))));
    const killedJob = /(\S+): started/.exec(victim!.stderr())![1];
    await new Promise((r) => setTimeout(r, 1500));
    victim!.proc.kill('SIGKILL');
    const victimPid = victim!.proc.pid;

    // Redis restarted once a result is in; the sweep carries on and records more results afterwards.
    await waitFor('a first result', () => (readRecord(out)?.done ?? 0) >= 1);
    await redis.restart();
    const before = readRecord(out)!.done;
    await waitFor('a result after the Redis restart', () => (readRecord(out)?.done ?? 0) > before);

    // The sweep's own host goes down; re-attached with --resume, it collects what the workers finished meanwhile.
    const id = readRecord(out)!.id;
    sweep.proc.kill('SIGKILL');
    await sweep.exited;
    sweep = cliProcess(['sweep', '--resume', id, '--queue', redis.url, '-o', out, '--json'], env);
    expect(await sweep.exited).toBe(0);
    const record = JSON.parse(sweep.stdout()) as SweepRecord;
    expect(record.total).toBe(8);
    expect(record.jobs.map((j) => j.status)).toEqual(new Array(8).fill('ok'));

    // Exactly once: across every worker (the killed one included), each job id completed one time.
    const completed = workers
      .flatMap(doneLines)
      .map((l) => l.job)
      .sort();
    expect(completed).toEqual(record.jobs.map((j) => j.id).sort());
    const retried = record.jobs.find((j) => j.name === killedJob)!;
    expect(retried.worker!.endsWith(`:${victimPid}`)).toBe(false);

    // The same sweep on this machine alone gives the same figures (QEMU -icount: instructions are deterministic).
    const local = cliProcess(['sweep', ...sweepArgs, '--workers', '2', '-o', join(dir, 'local'), '--json'], env);
    expect(await local.exited).toBe(0);
    const localRecord = JSON.parse(local.stdout()) as SweepRecord;
    const figures = (r: SweepRecord) => Object.fromEntries(r.jobs.map((j) => [j.name, j.figures]));
    expect(figures(record)).toEqual(figures(localRecord));
    expect(record.pareto).toEqual(
      Object.fromEntries(Object.entries(localRecord.pareto).map(([b, ids]) => [b, ids.map((i) => i.replace(localRecord.id, record.id))])),
    );
    expect(record.recommended?.name).toBe(localRecord.recommended?.name);
  }, 420_000);
});
