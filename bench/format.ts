// Benchmark output: the row types, plain-text tables, the PASS/FAIL figures list, and the results JSON
// (with date, git commit and machine) written to bench/results/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { table } from '../src/cli/output.ts';

export interface DenseLayerFigure {
  node: string;
  macs: number;
  instructions: number;
  per_mac: number;
}

/** One deployed (model, quantization, board): what the device measured, or why it was not measured. */
export interface ExampleRow {
  model: string;
  model_path: string;
  /** True when the committed example model was absent and a quickly trained stand-in was measured. */
  stand_in: boolean;
  quant: string;
  board: string;
  status: 'ok' | 'does-not-fit' | 'error';
  reason?: string;
  macs: number;
  latency_unit?: string;
  instructions?: number | null;
  instructions_p90?: number | null;
  instr_per_mac?: number | null;
  /** Per Dense layer on one profiled sample, and all Dense layers together (Σ instructions / Σ MACs). */
  dense_layers?: DenseLayerFigure[];
  dense_instr_per_mac?: number | null;
  flash_bytes?: number;
  ram_bytes?: number;
  arena_bytes?: number;
  arena_lower_bound_bytes?: number;
  arena_naive_bytes?: number;
  stack_bytes?: number | null;
  samples?: number;
  device_top1?: number;
  reference_top1?: number;
  float_top1?: number | null;
  agreement?: number;
  agreement_kind?: string;
  /** How latency was obtained, e.g. "unavailable: see mps2-an385-armv6m" for microbit. */
  timing_note?: string;
}

/** A target from an issue, checked against a measured value. pass null = could not be measured. */
export interface Figure {
  name: string;
  target: string;
  measured: string;
  pass: boolean | null;
}

export const pct = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(digits)}%`);
export const num = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : Math.round(v).toLocaleString('en-US'));
export const ratio = (v: number | null | undefined, digits = 2): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));

export function formatExamplesTable(rows: ExampleRow[]): string {
  const body = rows.map((r) => {
    const model = `${r.model}${r.stand_in ? ' (stand-in)' : ''}`;
    if (r.status !== 'ok') return [model, r.quant, r.board, r.status, '', '', '', '', '', '', '', '', '', '', r.reason ?? ''];
    const instr = r.instructions === null || r.instructions === undefined ? 'unavailable' : num(r.instructions);
    const dense = r.dense_layers && r.dense_layers.length > 0
      ? `${ratio(r.dense_instr_per_mac)} [${r.dense_layers.map((d) => ratio(d.per_mac)).join(' ')}]`
      : '—';
    return [
      model, r.quant, r.board, instr, ratio(r.instr_per_mac), dense, num(r.flash_bytes), num(r.ram_bytes),
      `${num(r.arena_bytes)} (${num(r.arena_lower_bound_bytes)}/${num(r.arena_naive_bytes)})`, num(r.stack_bytes),
      `${pct(r.device_top1)} /${r.samples}`, pct(r.reference_top1), pct(r.float_top1), `${pct(r.agreement)} ${r.agreement_kind === 'identical-bytes' ? 'bytes' : 'top-1'}`,
      r.timing_note ?? '',
    ];
  });
  return table(
    ['model', 'quant', 'board', 'instr/inf', 'instr/MAC', 'dense instr/MAC [per layer]', 'flash B', 'static RAM B', 'arena B (lower/naive)', 'stack B', 'device top-1', 'ref top-1', 'float top-1', 'agreement', 'note'],
    body,
  );
}

export function formatFigures(figures: Figure[]): string {
  return table(
    ['figure', 'target', 'measured', 'result'],
    figures.map((f) => [f.name, f.target, f.measured, f.pass === null ? 'NOT MEASURED' : f.pass ? 'PASS' : 'FAIL']),
  );
}

/** Any list of flat objects (the rows of bench/prune.ts, bits.ts, defend.ts) as a table of their keys. */
export function formatGenericRows(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '(no rows)';
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '—';
    if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toPrecision(4);
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  };
  return table(keys, rows.map((r) => keys.map((k) => cell(r[k]))));
}

const isRowList = (v: unknown): v is Record<string, unknown>[] => Array.isArray(v) && v.length > 0 && v.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r));

/** The other tables a section returns besides rows and figures, titled by their key: lists of rows (device rows),
 *  maps of such lists (per-model layer tables) and preformatted `table` strings (the lottery table). */
export function extraTables(result: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, v] of Object.entries(result)) {
    if (key === 'rows' || key === 'figures' || v === null || typeof v !== 'object') continue;
    if (isRowList(v)) parts.push(`${key}\n${formatGenericRows(v)}`);
    else if (typeof (v as { table?: unknown }).table === 'string') parts.push(`${key}\n${(v as { table: string }).table}`);
    else for (const [sub, rows] of Object.entries(v)) if (isRowList(rows)) parts.push(`${key}: ${sub}\n${formatGenericRows(rows)}`);
  }
  return parts.map((p) => `\n\n${p}`).join('');
}

export interface RunMeta {
  date: string;
  git_commit: string;
  git_dirty: boolean;
  machine: { cpu: string; cores: number; memory_gb: number; os: string; node: string; qemu: string; gcc_arm: string };
  command: string;
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

function firstLine(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0].trim();
  } catch {
    return 'unknown';
  }
}

/** Where and when the figures were measured, so a committed result can be traced to its code and machine. */
export function runMeta(argv: string[]): RunMeta {
  const status = firstLine('git', ['status', '--porcelain', '--untracked-files=no']);
  return {
    date: new Date().toISOString(),
    git_commit: firstLine('git', ['rev-parse', 'HEAD']),
    git_dirty: status !== '' && status !== 'unknown',
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memory_gb: Math.round(totalmem() / 2 ** 30),
      os: `${platform()} ${release()}`,
      node: process.version,
      qemu: firstLine('qemu-system-arm', ['--version']),
      gcc_arm: firstLine('arm-none-eabi-gcc', ['--version']),
    },
    command: `npm run bench --${argv.length ? ' ' + argv.join(' ') : ''}`,
  };
}

/** Writes bench/results/<name>-<YYYY-MM-DD>.json (or `path`) and returns the path. */
export function writeResults(name: string, payload: unknown, path?: string): string {
  const out = path ?? join(repoRoot, 'bench', 'results', `${name}-${new Date().toISOString().slice(0, 10)}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(payload, null, 2) + '\n');
  return out;
}
