// `npm run bench [-- flags]`: runs the selected benchmark sections on emulated boards through the library, prints
// tables and PASS/FAIL figures, and writes each section's JSON (with date, commit, machine) to bench/results/.
// Exits 0 unless something crashed: a missed figure is information, not a failure.
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic, TinyforgeError } from '../src/diagnostics.ts';
import { benchExamples } from './examples.ts';
import { extraTables, formatExamplesTable, formatFigures, formatGenericRows, runMeta, writeResults, type Figure } from './format.ts';

const here = dirname(fileURLToPath(import.meta.url));

const USAGE = `usage: npm run bench -- [section flags] [options]
sections (default: --examples when none is given)
  --examples            both example MNIST models, float and int8, on the emulated boards (issue 3)
  --mlperf              the four MLPerf Tiny int8 models vs TFLM + CMSIS-NN (issue 8)
  --prune --bits --defend   sections from bench/prune.ts, bits.ts, defend.ts (when present; they take
                        --samples, --boards (defend: the first) and --quick when given, else their own defaults)
  --package             the npm package: tarball and installed size, --help and inspect time (bench/package.ts)
options
  --samples N           test images per row (default 500)
  --boards a,b          boards (default: examples mps2-an385,mps2-an386,microbit,mps2-an385-armv6m; mlperf mps2-an386)
  --models a.onnx,b     model files instead of the examples (ad-hoc runs)
  --quant none,int8     which quantizations of the example models (default both)
  --kws-samples N       KWS samples for --mlperf (default 1000)
  --mlperf-models kws,ic,vww,ad   subset of the MLPerf models
  --quick               --prune/--bits/--defend: their small, fast configuration
  --json                print the JSON only (nothing written)
  --out FILE            write the JSON here instead of bench/results/<section>-<date>.json`;

export interface BenchArgs {
  sections: string[];
  samples: number;
  boards?: string[];
  models?: string[];
  quants?: ('none' | 'int8')[];
  kwsSamples: number;
  mlperfModels?: string[];
  json: boolean;
  out?: string;
  /** --quick: the other helpers' sections run their small smoke configuration. */
  quick: boolean;
  samplesGiven: boolean;
}

export function parseArgs(argv: string[]): BenchArgs {
  const a: BenchArgs = { sections: [], samples: 500, kwsSamples: 1000, json: false, quick: false, samplesGiven: false };
  const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const int = (flag: string, v: string | undefined) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new TinyforgeError('bad-argument', `${flag} takes a positive integer, got "${v}"`, { hint: USAGE });
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    if (['--examples', '--mlperf', '--prune', '--bits', '--defend', '--package'].includes(f)) a.sections.push(f.slice(2));
    else if (f === '--samples') {
      a.samples = int(f, argv[++i]);
      a.samplesGiven = true;
    } else if (f === '--quick') a.quick = true;
    else if (f === '--kws-samples') a.kwsSamples = int(f, argv[++i]);
    else if (f === '--boards') a.boards = list(argv[++i]);
    else if (f === '--models') a.models = list(argv[++i]);
    else if (f === '--mlperf-models') a.mlperfModels = list(argv[++i]);
    else if (f === '--quant') a.quants = list(argv[++i]).map((q) => (q === 'float' || q === 'float32' ? 'none' : q)) as ('none' | 'int8')[];
    else if (f === '--json') a.json = true;
    else if (f === '--out') a.out = argv[++i];
    else if (f === '--help' || f === '-h') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    } else throw new TinyforgeError('bad-argument', `unknown flag ${f}`, { hint: USAGE });
  }
  if (a.sections.length === 0) a.sections.push('examples');
  return a;
}

const log = (m: string) => process.stderr.write(m + '\n');

interface SectionOutput {
  name: string;
  text: string;
  json: Record<string, unknown>;
}

/** bench/<name>.ts written by another helper, exporting bench<Name>(opts) → rows; absent files give a clear message. */
async function otherSection(name: string, args: BenchArgs): Promise<SectionOutput> {
  const file = join(here, `${name}.ts`);
  const fn = `bench${name[0].toUpperCase()}${name.slice(1)}`;
  if (!existsSync(file)) {
    throw new TinyforgeError('bench-section-missing', `--${name}: bench/${name}.ts is not on this branch yet`, { hint: `git merge main once the ${name} helper's work has landed` });
  }
  const mod = (await import(`./${name}.ts`)) as Record<string, (opts: unknown) => Promise<unknown>>;
  if (typeof mod[fn] !== 'function') throw new TinyforgeError('bench-section-missing', `bench/${name}.ts does not export ${fn}(opts)`);
  // The sections take their own defaults; pass only what the user asked for (plus both progress callback names).
  const opts: Record<string, unknown> = { log, onProgress: log, quick: args.quick };
  if (args.samplesGiven) opts.samples = args.samples;
  if (args.boards) {
    opts.boards = args.boards;
    opts.board = args.boards[0];
  }
  const result = await mod[fn](opts);
  // Rows, or { rows, figures } when the section checks targets too.
  const rows = (Array.isArray(result) ? result : (result as { rows?: unknown[] }).rows ?? []) as Record<string, unknown>[];
  const figures = Array.isArray(result) ? [] : ((result as { figures?: Figure[] }).figures ?? []);
  const text = formatGenericRows(rows) + (Array.isArray(result) ? '' : extraTables(result as Record<string, unknown>)) + (figures.length ? `\n\nfigures\n${formatFigures(figures)}` : '');
  return { name, text, json: Array.isArray(result) ? { rows } : (result as Record<string, unknown>) };
}

async function runSection(name: string, args: BenchArgs): Promise<SectionOutput> {
  if (name === 'examples') {
    const r = await benchExamples({ samples: args.samples, boards: args.boards, models: args.models, quants: args.quants, log });
    return { name, text: `${formatExamplesTable(r.rows)}\n\nfigures (issue 3)\n${formatFigures(r.figures)}`, json: { samples: args.samples, rows: r.rows, figures: r.figures } };
  }
  if (name === 'mlperf') {
    const { benchMlperf, formatMlperfTable } = await import('./mlperf.ts');
    const r = await benchMlperf({ boards: args.boards, kwsSamples: args.kwsSamples, models: args.mlperfModels, log });
    return { name, text: `${formatMlperfTable(r.rows)}\n\nfigures (issue 8)\n${formatFigures(r.figures)}`, json: { kws_samples: args.kwsSamples, rows: r.rows, figures: r.figures } };
  }
  return otherSection(name, args);
}

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const meta = runMeta(argv);
  const jsonOut: Record<string, unknown> = { ...meta };
  for (const section of args.sections) {
    const started = Date.now();
    log(`== ${section} ==`);
    const out = await runSection(section, args);
    const payload = { ...meta, section, seconds: Math.round((Date.now() - started) / 1000), ...out.json };
    if (args.json) {
      jsonOut[section] = payload;
      continue;
    }
    process.stdout.write(`\n== ${section} ==\n${out.text}\n`);
    const path = writeResults(section, payload, args.out && args.sections.length === 1 ? args.out : undefined);
    process.stdout.write(`\nwrote ${relative(process.cwd(), path)}\n`);
  }
  if (args.json) process.stdout.write(JSON.stringify(jsonOut, null, 2) + '\n');
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof TinyforgeError) log(formatDiagnostic(e.diagnostic));
  else log(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
});
