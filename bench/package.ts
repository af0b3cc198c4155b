// `npm run bench -- --package`: the npm package as a user installs it (scripts/install-packed.ts: npm pack, then
// npm install -g into a temporary prefix with npm's defaults) — tarball and installed size, and the wall time of
// `tinyforge --help` and `tinyforge inspect` of the installed CLI beside the checkout's `node bin/tinyforge.js`
// (the TypeScript sources through tsx), each the median of 5 runs after one warm-up.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/package.ts';
import { packAndInstall, run } from '../scripts/install-packed.ts';
import { table } from '../src/cli/output.ts';
import type { Check } from './row.ts';

const RUNS = 5;
const MB = 1e6;

interface Timing {
  median_s: number;
  min_s: number;
  max_s: number;
}

/** Wall time of a whole process: one warm-up run (file cache), then RUNS counted runs. */
function timeCommand(command: string, args: string[], cwd: string): Timing {
  const seconds: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const r = run(command, args, cwd);
    if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.code}:\n${r.stderr.slice(-2000)}`);
    if (i > 0) seconds.push(r.seconds);
  }
  seconds.sort((a, b) => a - b);
  const round = (s: number) => Math.round(s * 1000) / 1000;
  return { median_s: round(seconds[Math.floor(RUNS / 2)]!), min_s: round(seconds[0]!), max_s: round(seconds[RUNS - 1]!) };
}

/** Bytes of the files (what npm calls unpacked size) and bytes on disk (what du counts, blocks included). */
function folderSize(dir: string): { files: number; disk: number } {
  const files = Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
  const disk = Number(execFileSync('du', ['-sk', dir], { encoding: 'utf8' }).split('\t')[0]) * 1024;
  return { files, disk };
}

export async function benchPackage(
  opts: { log?: (m: string) => void } = {},
): Promise<{ rows: Record<string, unknown>[]; sizes: Record<string, unknown>[]; figures: Check[] }> {
  const log = opts.log ?? (() => {});
  log('packing and installing the package into a temporary prefix …');
  const pkg = packAndInstall();
  try {
    const size = folderSize(pkg.prefix);
    const work = join(pkg.root, 'work');
    mkdirSync(work);
    const commands = [
      { name: 'tinyforge --help', args: ['--help'], installedModel: undefined },
      {
        name: 'tinyforge inspect examples/mnist-cnn/model.onnx',
        args: ['inspect'],
        installedModel: join(pkg.packageDir, 'examples', 'mnist-cnn', 'model.onnx'),
      },
    ];
    const rows = commands.map((c) => {
      log(`timing ${c.name} (installed, then the checkout) …`);
      const installed = timeCommand(pkg.bin, c.installedModel ? [...c.args, c.installedModel] : c.args, work);
      const checkout = timeCommand(
        process.execPath,
        ['bin/tinyforge.js', ...c.args, ...(c.installedModel ? ['examples/mnist-cnn/model.onnx'] : [])],
        PACKAGE_ROOT,
      );
      return {
        command: c.name,
        runs: RUNS,
        installed_median_s: installed.median_s,
        installed_min_s: installed.min_s,
        installed_max_s: installed.max_s,
        checkout_median_s: checkout.median_s,
        checkout_min_s: checkout.min_s,
        checkout_max_s: checkout.max_s,
      };
    });
    const sizes = [
      {
        tarball_bytes: pkg.tarballBytes,
        tarball_files: pkg.files.length,
        installed_file_bytes: size.files,
        installed_disk_bytes: size.disk,
        pack_s: Math.round(pkg.packSeconds * 10) / 10,
        install_s: Math.round(pkg.installSeconds * 10) / 10,
      },
    ];
    const mb = (b: number) => `${(b / MB).toFixed(1)} MB`;
    const timed = (name: string, target: number, row: (typeof rows)[number]): Check => ({
      name: `${name}, installed (median of ${RUNS})`,
      target: `≤ ${target.toFixed(1)} s`,
      measured: `${row.installed_median_s.toFixed(2)} s (checkout from source: ${row.checkout_median_s.toFixed(2)} s)`,
      pass: row.installed_median_s <= target,
    });
    const figures: Check[] = [
      {
        name: 'installed size (npm install -g of the tarball)',
        target: '≤ 150 MB',
        measured: `${mb(size.disk)} on disk, ${mb(size.files)} of files`,
        pass: size.disk <= 150 * MB,
      },
      {
        name: 'packed tarball',
        target: '≤ 3 MB',
        measured: `${mb(pkg.tarballBytes)}, ${pkg.files.length} files`,
        pass: pkg.tarballBytes <= 3 * MB,
      },
      timed('tinyforge --help', 1.0, rows[0]!),
      timed('tinyforge inspect examples/mnist-cnn/model.onnx', 2.0, rows[1]!),
    ];
    return { rows, sizes, figures };
  } finally {
    pkg.cleanup();
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

export function formatPackageBench(r: Awaited<ReturnType<typeof benchPackage>>): string {
  const checks = table(
    ['figure', 'target', 'measured', 'result'],
    r.figures.map((f) => [f.name, f.target, f.measured, f.pass === null ? 'NOT MEASURED' : f.pass ? 'PASS' : 'FAIL']),
  );
  return `${rowsTable(r.rows)}\n\nsizes\n${rowsTable(r.sizes)}\n\nfigures\n${checks}\n`;
}
