// `npm run bench [-- flags]`: runs each benchmark row's CLI commands (exactly as printed beside its figures, plus
// --json), prints the figures with their commands, checks the issues' targets, compares every figure with the
// README's table, and writes the results with date, commit and machine to bench/results/.
// Exit 1 when a command fails or a README figure is not what its command gives; a missed target is reported only.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runCli, CLI_PREFIX, repoRoot } from './cli.ts';
import { table } from '../src/cli/output.ts';
import { runMeta, writeResults } from './format.ts';
import { compareWithReadme, readReadmeRows, writeReadmeRows, type Comparison, type ReadmeRow } from './readme.ts';
import type { BenchRow, Check, Figure } from './row.ts';
import { ROWS } from './rows.ts';

const USAGE = `usage: npm run bench -- [options]
Runs every row's tinyforge commands (--json added) and prints the figures beside the commands.
  --group a,b        only these groups (${[...new Set(ROWS.map((r) => r.group))].join(', ')})
  --only id,id       only these rows (--list shows the ids)
  --models           the models group: ONNX node tests per op (reference, host C, mps2-an386), the supported
                     ONNX op count, the 1-D IMU CNN on mps2-an386 (same as --group models)
  --list             list the rows and their commands, run nothing
  --json             print the results JSON on stdout (nothing written)
  --out FILE         write the results JSON here instead of bench/results/bench-<date>.json
  --write-readme     replace the figures of the rows that ran in README.md's figures table
  --package          instead of the rows, the npm package (bench/package.ts): tarball and installed size,
                     tinyforge --help and inspect of the installed CLI beside the checkout's
  --sweep            instead of the rows, a 12-job tinyforge sweep (bench/sweep.ts) with 1 and with 2 workers:
                     wall times, the same figures from both, the Pareto front and the recommendation`;

interface Args {
  groups?: string[];
  only?: string[];
  list: boolean;
  json: boolean;
  out?: string;
  writeReadme: boolean;
  package: boolean;
  sweep: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { list: false, json: false, writeReadme: false, package: false, sweep: false };
  const list = (v: string | undefined) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    if (f === '--group') a.groups = list(argv[++i]);
    else if (f === '--only') a.only = list(argv[++i]);
    else if (f === '--models') a.groups = [...(a.groups ?? []), 'models'];
    else if (f === '--list') a.list = true;
    else if (f === '--json') a.json = true;
    else if (f === '--out') a.out = argv[++i];
    else if (f === '--write-readme') a.writeReadme = true;
    else if (f === '--package') a.package = true;
    else if (f === '--sweep') a.sweep = true;
    else if (f === '--help' || f === '-h') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    } else {
      process.stderr.write(`unknown flag ${f}\n${USAGE}\n`);
      process.exit(2);
    }
  }
  return a;
}

function selectRows(a: Args): BenchRow[] {
  const unknown = [
    ...(a.only ?? []).filter((id) => !ROWS.some((r) => r.id === id)),
    ...(a.groups ?? []).filter((g) => !ROWS.some((r) => r.group === g)),
  ];
  if (unknown.length) {
    process.stderr.write(`unknown row or group: ${unknown.join(', ')} (npm run bench -- --list)\n`);
    process.exit(2);
  }
  return ROWS.filter((r) => (!a.only || a.only.includes(r.id)) && (!a.groups || a.groups.includes(r.group)));
}

export interface RowResult {
  id: string;
  group: string;
  what: string;
  commands: string[];
  status: 'ok' | 'failed';
  seconds: number;
  figures: Figure[];
  checks: Check[];
  readme: Comparison;
  readme_figures?: string;
  error?: string;
  outputs: unknown[];
}

const log = (m: string) => process.stderr.write(m + '\n');
const commandText = (r: BenchRow) => r.commands.map((c) => `${CLI_PREFIX} ${c}`).join(' && ');
const figuresText = (figures: Figure[]) => figures.map((f) => f.text).join(' · ');

async function runRow(row: BenchRow, readme: ReadmeRow[] | undefined, index: number, total: number): Promise<RowResult> {
  const outputs: unknown[] = [];
  let seconds = 0;
  for (const c of row.commands) {
    log(`[${index}/${total}] ${row.id}: ${CLI_PREFIX} ${c}`);
    const r = await runCli(c, (line) => log(`    ${line}`));
    seconds += r.seconds;
    if (r.exitCode !== 0 || r.json === undefined) {
      return {
        id: row.id,
        group: row.group,
        what: row.what,
        commands: row.commands,
        status: 'failed',
        seconds,
        figures: [],
        checks: [],
        readme: 'not-in-readme',
        error: `exit ${r.exitCode}: ${r.stderrTail}`,
        outputs,
      };
    }
    outputs.push(r.json);
  }
  const figures = row.figures(outputs);
  const cmp = compareWithReadme({ what: row.what, figures: figuresText(figures), command: commandText(row) }, readme);
  return {
    id: row.id,
    group: row.group,
    what: row.what,
    commands: row.commands,
    status: 'ok',
    seconds,
    figures,
    checks: row.checks?.(outputs) ?? [],
    readme: cmp.status,
    readme_figures: cmp.readme,
    outputs,
  };
}

function printResults(results: RowResult[]): void {
  const out: string[] = [];
  for (const r of results) {
    out.push(`${r.what}  [${r.id}, ${r.seconds} s]`);
    out.push(`  $ ${r.commands.map((c) => `${CLI_PREFIX} ${c}`).join('\n  $ ')}`);
    if (r.status === 'failed') out.push(`  FAILED: ${r.error}`);
    else {
      out.push(`  ${figuresText(r.figures)}`);
      const readme =
        r.readme === 'same'
          ? 'README: same figures'
          : r.readme === 'differs'
            ? `README DIFFERS: it says "${r.readme_figures}"`
            : 'README: not listed';
      out.push(`  ${readme}`);
    }
    out.push('');
  }
  const checks = results.flatMap((r) =>
    r.checks.map((c) => [r.id, c.name, c.target, c.measured, c.pass === null ? 'NOT MEASURED' : c.pass ? 'PASS' : 'FAIL']),
  );
  if (checks.length) out.push('targets', table(['row', 'figure', 'target', 'measured', 'result'], checks), '');
  process.stdout.write(out.join('\n') + '\n');
}

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  if (args.package) {
    const { benchPackage, formatPackageBench } = await import('./package.ts');
    const result = await benchPackage({ log });
    const payload = { ...runMeta(argv), section: 'package', ...result };
    if (args.json) process.stdout.write(JSON.stringify(payload, null, 2) + '\n');
    else
      process.stdout.write(`${formatPackageBench(result)}\nwrote ${relative(process.cwd(), writeResults('package', payload, args.out))}\n`);
    return;
  }
  if (args.sweep) {
    const { benchSweep, formatSweepBench } = await import('./sweep.ts');
    const result = await benchSweep({ log });
    const payload = { ...runMeta(argv), section: 'sweep', ...result };
    if (args.json) process.stdout.write(JSON.stringify(payload, null, 2) + '\n');
    else process.stdout.write(`${formatSweepBench(result)}\nwrote ${relative(process.cwd(), writeResults('sweep', payload, args.out))}\n`);
    return;
  }
  const rows = selectRows(args);
  if (args.list) {
    process.stdout.write(
      table(
        ['id', 'group', 'command'],
        rows.map((r) => [r.id, r.group, commandText(r)]),
      ) + '\n',
    );
    return;
  }
  const readmePath = join(repoRoot, 'README.md');
  const readmeText = readFileSync(readmePath, 'utf8');
  const readme = readReadmeRows(readmeText);
  const results: RowResult[] = [];
  for (const [i, row] of rows.entries()) {
    results.push(await runRow(row, readme, i + 1, rows.length));
    // After each row, so a long run that is stopped keeps what it measured.
    if (args.writeReadme) writeReadme(readmePath, results);
  }
  const payload = { ...runMeta(argv), rows: results };
  if (args.json) process.stdout.write(JSON.stringify(payload, null, 2) + '\n');
  else {
    printResults(results);
    const path = writeResults('bench', payload, args.out);
    process.stdout.write(`wrote ${relative(process.cwd(), path)}\n`);
  }
  if (args.writeReadme) log(`README.md: figures table rewritten (${results.filter((r) => r.status === 'ok').length} row(s) measured now)`);
  const failed = results.filter((r) => r.status === 'failed' || (r.readme === 'differs' && !args.writeReadme));
  if (failed.length) {
    log(`${failed.length} row(s) failed or differ from the README: ${failed.map((r) => r.id).join(', ')}`);
    process.exitCode = 1;
  }
}

/** Rewrites README.md's figures table with the rows measured so far; the others keep their figures. */
function writeReadme(readmePath: string, results: RowResult[]): void {
  const ran = new Map(results.filter((r) => r.status === 'ok').map((r) => [r.id, r]));
  // Read again: a long run must not undo what another run (or a person) wrote to README.md meanwhile.
  const currentText = readFileSync(readmePath, 'utf8');
  const existing = new Map((readReadmeRows(currentText) ?? []).map((r) => [r.command, r]));
  const merged: ReadmeRow[] = ROWS.flatMap((row) => {
    const r = ran.get(row.id);
    const command = commandText(row);
    if (r) return [{ what: row.what, figures: figuresText(r.figures), command }];
    const old = existing.get(command);
    return old ? [{ ...old, what: row.what }] : [];
  });
  writeFileSync(readmePath, writeReadmeRows(currentText, merged));
}

main(process.argv.slice(2)).catch((e: unknown) => {
  log(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
});
