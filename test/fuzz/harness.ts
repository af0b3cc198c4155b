// The fuzz harness: runs generated cases of one input format in a sandbox folder each and classifies how each ends —
// a result, a clean TinyforgeError (its code), a crash (anything else), a hang (over the time bound) — and whether
// a file was lost: one that was there (an input, a user's file, even inside the output folder) changed or removed
// unless an earlier tinyforge project wrote it, or a file added outside the output folder.
import { createHash } from 'node:crypto';
import { accessSync, constants, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { isInside } from '../../src/safe-write.ts';
import { isUsageError } from './cli-run.ts';

/** One format's cases: how to make them, lay them out in a sandbox, and run them. */
export interface FuzzFormat<C> {
  name: string;
  /** The cases: mutations of shipped files and structure-aware generated ones. */
  arbitrary: fc.Arbitrary<C>;
  /** Writes the case's files into `sandbox`; returns the path the command reads. */
  setup(c: C, sandbox: string): string;
  /** Runs the parser (and the output stage when it gets that far); resolves with the output folder it wrote, if any. */
  run(c: C, input: string, sandbox: string): Promise<{ outDir?: string } | void>;
  /** A short description of the case for a failure message. */
  describe(c: C): string;
}

export type Outcome =
  { kind: 'result' } | { kind: 'clean'; code: string } | { kind: 'crash'; error: string } | { kind: 'hang'; ms: number };

export interface FormatStats {
  format: string;
  cases: number;
  results: number;
  cleanErrors: number;
  crashes: number;
  hangs: number;
  filesLost: number;
  /** Clean error codes and how often each came. */
  codes: Record<string, number>;
  /** The first few failures, replayable from the seed and the case number. */
  failures: string[];
  slowestMs: number;
  seconds: number;
}

type Snapshot = Map<string, string>;

/** Every file under `dir` (relative path → size and content hash); symlinks by their target text. */
function snapshot(dir: string): Snapshot {
  const out: Snapshot = new Map();
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const bytes = readFileSync(join(dir, p));
        out.set(p, `${bytes.length}:${createHash('sha1').update(bytes).digest('hex')}`);
      } else out.set(p, 'special');
    }
  };
  walk('');
  return out;
}

/** The files an earlier tinyforge project in the sandbox lists as its own (its manifest's files, build/, reports). */
function ownedByProjects(sandbox: string, files: Snapshot): Set<string> {
  const owned = new Set<string>();
  for (const p of files.keys()) {
    if (!p.endsWith('tinyforge.json')) continue;
    const dir = p.slice(0, -'tinyforge.json'.length);
    try {
      const m = JSON.parse(readFileSync(join(sandbox, p), 'utf8')) as { files?: string[] };
      for (const f of m.files ?? []) owned.add(dir + f);
    } catch {
      continue;
    }
    for (const q of files.keys()) if (q.startsWith(`${dir}build/`) || q === `${dir}report.json` || q === `${dir}report.html`) owned.add(q);
  }
  return owned;
}

/** Files lost or touched between two snapshots of `sandbox`: any file that was there and is changed or gone, unless
 *  it is inside the output folder and an earlier project there wrote it; any new file outside the output folder. */
function touchedFiles(before: Snapshot, after: Snapshot, sandbox: string, outDir: string | undefined, owned: Set<string>): string[] {
  const inOut = (p: string) => outDir !== undefined && isInside(resolve(sandbox, p), resolve(outDir));
  const bad: string[] = [];
  for (const [p, h] of before)
    if (after.get(p) !== h && !(inOut(p) && owned.has(p))) bad.push(after.has(p) ? `changed ${p}` : `removed ${p}`);
  for (const p of after.keys()) if (!inOut(p) && !before.has(p)) bad.push(`added ${p}`);
  return bad;
}

/** How one case ends. A TinyforgeError needs a kebab-case code to count as clean. */
export async function outcomeOf(run: () => Promise<unknown>, boundMs: number): Promise<{ outcome: Outcome; ms: number; value?: unknown }> {
  const start = performance.now();
  try {
    const value = await run();
    const ms = performance.now() - start;
    return { outcome: ms > boundMs ? { kind: 'hang', ms } : { kind: 'result' }, ms, value };
  } catch (e) {
    const ms = performance.now() - start;
    if (ms > boundMs) return { outcome: { kind: 'hang', ms }, ms };
    if (e instanceof TinyforgeError && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(e.code)) return { outcome: { kind: 'clean', code: e.code }, ms };
    if (isUsageError(e)) return { outcome: { kind: 'clean', code: `usage:${e.code.replace(/^commander\./, '')}` }, ms };
    const err = e as Error;
    return {
      outcome: {
        kind: 'crash',
        error: `${err?.name ?? 'throw'}: ${err?.message ?? String(e)}\n${err?.stack?.split('\n').slice(1, 6).join('\n') ?? ''}`,
      },
      ms,
    };
  }
}

/** Thousands of small sandboxes are made and removed: in memory (/dev/shm) when the machine has it, else the temp folder. */
function sandboxParent(): string {
  if (process.env.TINYFORGE_FUZZ_TMP) return process.env.TINYFORGE_FUZZ_TMP;
  try {
    if (statSync('/dev/shm').isDirectory()) {
      accessSync('/dev/shm', constants.W_OK);
      return '/dev/shm';
    }
  } catch {
    // no shared memory folder here
  }
  return tmpdir();
}

export interface FuzzOptions {
  runs: number;
  seed: number;
  /** A case slower than this counts as a hang. */
  boundMs: number;
  /** Called after every case (progress, heartbeats). */
  onCase?: (done: number, stats: FormatStats) => void;
  /** Called with how each case ended and the files it touched outside its output folder. */
  onOutcome?: (index: number, outcome: Outcome, touched: string[]) => void;
}

/** Runs `opts.runs` cases of `format` drawn with fast-check from `opts.seed`; case i is replayable from (seed, i). */
export async function fuzzFormat<C>(format: FuzzFormat<C>, opts: FuzzOptions): Promise<FormatStats> {
  return runCases(format, fc.sample(format.arbitrary, { numRuns: opts.runs, seed: opts.seed }), opts);
}

/** Runs the given cases of `format`, each in a fresh sandbox, and counts how they end. */
export async function runCases<C>(format: FuzzFormat<C>, cases: C[], opts: Omit<FuzzOptions, 'runs'>): Promise<FormatStats> {
  const stats: FormatStats = {
    format: format.name,
    cases: 0,
    results: 0,
    cleanErrors: 0,
    crashes: 0,
    hangs: 0,
    filesLost: 0,
    codes: {},
    failures: [],
    slowestMs: 0,
    seconds: 0,
  };
  const start = performance.now();
  const root = mkdtempSync(join(sandboxParent(), `tfg-fuzz-${format.name.replace(/\W+/g, '')}-`));
  try {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i];
      const sandbox = join(root, String(i));
      mkdirSync(sandbox);
      const fail = (what: string) =>
        stats.failures.length < 5 &&
        stats.failures.push(`${format.name} case ${i} (seed ${opts.seed}): ${what}\n  ${format.describe(c).slice(0, 400)}`);
      let input: string;
      try {
        input = format.setup(c, sandbox);
      } catch (e) {
        throw new Error(`setting up ${format.name} case ${i} failed (a harness bug): ${(e as Error).stack}`);
      }
      const before = snapshot(sandbox);
      const owned = ownedByProjects(sandbox, before);
      const { outcome, ms, value } = await outcomeOf(() => format.run(c, input, sandbox), opts.boundMs);
      stats.cases++;
      stats.slowestMs = Math.max(stats.slowestMs, ms);
      if (outcome.kind === 'result') stats.results++;
      else if (outcome.kind === 'clean') {
        stats.cleanErrors++;
        stats.codes[outcome.code] = (stats.codes[outcome.code] ?? 0) + 1;
      } else if (outcome.kind === 'crash') {
        stats.crashes++;
        fail(`crash: ${outcome.error}`);
      } else {
        stats.hangs++;
        fail(`took ${Math.round(outcome.ms)} ms (bound ${opts.boundMs} ms)`);
      }
      const outDir = (value as { outDir?: string } | undefined)?.outDir;
      const touched = touchedFiles(before, snapshot(sandbox), sandbox, outDir, owned);
      if (touched.length > 0) {
        stats.filesLost++;
        fail(`files outside the output folder touched: ${touched.slice(0, 5).join(', ')}`);
      }
      rmSync(sandbox, { recursive: true, force: true });
      opts.onOutcome?.(i, outcome, touched);
      opts.onCase?.(i + 1, stats);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  stats.seconds = (performance.now() - start) / 1000;
  return stats;
}

/** Path of `p` relative to the sandbox, for descriptions. */
export const rel = (sandbox: string, p: string): string => relative(sandbox, p) || '.';

/** Size of a file, or -1. */
export function sizeOf(p: string): number {
  try {
    return statSync(p).size;
  } catch {
    return -1;
  }
}
