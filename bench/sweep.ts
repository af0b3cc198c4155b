// `npm run bench -- --sweep`: one 12-job sweep (LeNet-300-100 and the CNN × int8, int4, binary × the emulated
// Cortex-M4 and Cortex-M0) run twice through the CLI, with 1 and then 2 workers, each from an empty compression cache
// so both compute the same compressions: the wall time of each, whether the two found the same figures, and the
// Pareto front and recommendation the sweep found. Each figure is printed with the command that produced it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, CLI_PREFIX } from './cli.ts';
import { table } from '../src/cli/output.ts';
import type { Check } from './row.ts';
import type { SweepRecord } from '../src/report/sweep-record.ts';

export const SWEEP_MODELS = ['examples/mnist-lenet300/model.onnx', 'examples/mnist-cnn/model.onnx'];
export const SWEEP_RECIPES = ['int8', 'int4', 'binary'];
export const SWEEP_BOARDS = ['mps2-an386', 'mps2-an385-armv6m'];
const SAMPLES = 100;
const LIMITS = ['--min-top1', '97%', '--max-flash', '256K'];

export function sweepCommand(workers: number, out: string): string {
  return [
    'sweep',
    ...SWEEP_MODELS,
    '--recipes',
    SWEEP_RECIPES.join(','),
    '--boards',
    SWEEP_BOARDS.join(','),
    '--samples',
    String(SAMPLES),
    ...LIMITS,
    '--workers',
    String(workers),
    '-o',
    out,
  ].join(' ');
}

interface SweepRun {
  workers: number;
  command: string;
  record: SweepRecord;
  wall_s: number;
}

/** The CLI inherits this process's environment: TINYFORGE_CACHE points it at a cache of its own for one run. */
async function runSweep(workers: number, root: string, log: (m: string) => void): Promise<SweepRun> {
  const cache = join(root, `cache-${workers}`);
  const command = sweepCommand(workers, join(root, `sweep-${workers}`));
  const before = process.env.TINYFORGE_CACHE;
  process.env.TINYFORGE_CACHE = cache;
  try {
    log(`TINYFORGE_CACHE=${cache} ${CLI_PREFIX} ${command}`);
    const r = await runCli(command, (line) => log(`    ${line}`));
    if (r.exitCode !== 0 || r.json === undefined) throw new Error(`${r.command} exited ${r.exitCode}:\n${r.stderrTail}`);
    const record = r.json as SweepRecord;
    return {
      workers,
      command: `TINYFORGE_CACHE=$(mktemp -d) ${CLI_PREFIX} ${command.replace(root, '/tmp/bench-sweep')} --json`,
      record,
      wall_s: record.wall_ms / 1000,
    };
  } finally {
    if (before === undefined) delete process.env.TINYFORGE_CACHE;
    else process.env.TINYFORGE_CACHE = before;
  }
}

/** What a job measured, without what differs from run to run (worker, wall time, cache hits). */
const measured = (rec: SweepRecord) =>
  rec.jobs.map((j) => ({ name: j.name, status: j.status, error: j.error?.code ?? null, figures: j.figures }));

/** Each figure a job measured differently in the two runs, as "job field a → b". */
function differingFigures(a: SweepRecord, b: SweepRecord): string[] {
  const [left, right] = [measured(a), measured(b)];
  const out: string[] = [];
  left.forEach((job, i) => {
    const other = right[i];
    const fields = new Set([...Object.keys(job), ...Object.keys(job.figures ?? {}).map((k) => `figures.${k}`)]);
    for (const f of fields) {
      if (f === 'figures') continue;
      const pick = (j: typeof job | undefined) =>
        f.startsWith('figures.')
          ? (j?.figures as Record<string, unknown> | undefined)?.[f.slice(8)]
          : (j as Record<string, unknown> | undefined)?.[f];
      const [x, y] = [pick(job), pick(other)];
      if (JSON.stringify(x) !== JSON.stringify(y))
        out.push(`${job.name} ${f.replace('figures.', '')} ${JSON.stringify(x)} → ${JSON.stringify(y)}`);
    }
  });
  return out;
}

export async function benchSweep(opts: { log?: (m: string) => void } = {}) {
  const log = opts.log ?? (() => {});
  const root = mkdtempSync(join(tmpdir(), 'tfg-bench-sweep-'));
  try {
    const runs: SweepRun[] = [];
    for (const workers of [1, 2]) runs.push(await runSweep(workers, root, log));
    const [one, two] = runs;
    const rec = two.record;
    const differences = differingFigures(one.record, rec);
    const same = differences.length === 0;
    const rows = rec.jobs.map((j) => ({
      job: j.name,
      status: j.status === 'ok' ? (j.meets_limits ? 'within limits' : 'outside limits') : `error[${j.error?.code}]`,
      top1: j.figures?.device_top1 ?? null,
      latency: j.figures?.latency ?? null,
      latency_ms: j.figures?.latency_ms ?? null,
      flash_bytes: j.figures?.flash_bytes ?? null,
      ram_bytes: j.figures?.ram_bytes ?? null,
      pareto: j.pareto ? '✓' : '',
      recommended: rec.recommended?.id === j.id ? '✓' : '',
    }));
    const front = Object.entries(rec.pareto).map(
      ([board, ids]) => `${board}: ${ids.map((id) => rec.jobs.find((j) => j.id === id)!.name.replace(`/${board}`, '')).join(', ')}`,
    );
    const figures: Check[] = [
      { name: `12-job sweep, 1 worker (${one.command})`, target: '—', measured: `${one.wall_s.toFixed(1)} s`, pass: null },
      {
        name: `the same, 2 workers (${two.command})`,
        target: 'faster than 1 worker',
        measured: `${two.wall_s.toFixed(1)} s (${(one.wall_s / two.wall_s).toFixed(2)}× faster)`,
        pass: two.wall_s < one.wall_s,
      },
      {
        name: 'every job measured the same figures with 1 and 2 workers',
        target: 'same',
        measured: same ? 'same' : `differ: ${differences.join('; ')}`,
        pass: same,
      },
      { name: 'Pareto front (top-1, latency, flash, RAM) per board', target: '—', measured: front.join('; '), pass: null },
      {
        name: `recommended within ${LIMITS.join(' ')}`,
        target: '—',
        measured: rec.recommended ? `${rec.recommended.name}: ${rec.recommended.command}` : 'none',
        pass: null,
      },
    ];
    return {
      runs: runs.map((r) => ({
        workers: r.workers,
        command: r.command,
        wall_s: r.wall_s,
        jobs: r.record.total,
        failed: r.record.jobs.filter((j) => j.status === 'failed').length,
      })),
      rows,
      figures,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The rows of flat objects as a table of their keys. */
function rowsTable(rows: Record<string, unknown>[]): string {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return table(
    keys,
    rows.map((r) => keys.map((k) => (typeof r[k] === 'number' ? (r[k] as number) : String(r[k] ?? '—')))),
  );
}

export function formatSweepBench(r: Awaited<ReturnType<typeof benchSweep>>): string {
  const checks = table(
    ['figure', 'target', 'measured', 'result'],
    r.figures.map((f) => [f.name, f.target, f.measured, f.pass === null ? 'NOT MEASURED' : f.pass ? 'PASS' : 'FAIL']),
  );
  return `${rowsTable(r.runs)}\n\njobs (2-worker run)\n${rowsTable(r.rows)}\n\nfigures\n${checks}\n`;
}
