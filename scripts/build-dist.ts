// Builds dist/ for the npm package (`npm pack` runs it as prepack): the CLI as plain JavaScript, bundled by esbuild
// with one chunk per lazily loaded part (a command loads its heavy dependencies only when it runs) and the
// dependencies left to node_modules.
// A checkout never runs dist/: bin/tinyforge.js runs the sources whenever src/ is beside it.
import { readFileSync, rmSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
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

function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? folderBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
}

rmSync(DIST, { recursive: true, force: true });
await bundleCli();
process.stderr.write(`dist/: ${readdirSync(DIST).length} entries, ${(folderBytes(DIST) / 1e6).toFixed(2)} MB\n`);
