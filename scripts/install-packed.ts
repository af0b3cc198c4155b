// Packs this checkout with `npm pack` (which builds dist/) and installs the tarball with `npm install -g` into a
// temporary prefix the way a user's machine would: from an empty folder, with no .npmrc and no npm_* variables. The
// package test and the package benchmark both start from here.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/package.ts';

export interface InstalledPackage {
  /** Temporary folder holding everything below; `cleanup()` removes it. */
  root: string;
  prefix: string;
  /** The installed package folder, <prefix>/lib/node_modules/tinyforge. */
  packageDir: string;
  /** <prefix>/bin/tinyforge, the command npm linked. */
  bin: string;
  tarball: string;
  tarballBytes: number;
  /** Paths inside the tarball, as `npm pack --json` lists them. */
  files: string[];
  packSeconds: number;
  installSeconds: number;
  cleanup(): void;
}

/** This machine's environment without the npm_* variables that `npm test` / `npm run` set. */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))), ...extra };
}

export function run(
  command: string,
  args: string[],
  cwd: string,
  env = userEnv(),
): { code: number | null; stdout: string; stderr: string; seconds: number } {
  const t0 = performance.now();
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, seconds: (performance.now() - t0) / 1000 };
}

function mustSucceed(what: string, r: ReturnType<typeof run>): ReturnType<typeof run> {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.stderr.slice(-4000)}`);
  return r;
}

export function packAndInstall(): InstalledPackage {
  const root = mkdtempSync(join(tmpdir(), 'tfg-package-'));
  try {
    for (const dir of ['pack', 'empty']) mkdirSync(join(root, dir));
    const userconfig = join(root, 'empty-npmrc');
    writeFileSync(userconfig, '');
    const pack = mustSucceed('npm pack', run('npm', ['pack', '--json', '--pack-destination', join(root, 'pack')], PACKAGE_ROOT));
    const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    const tarball = join(root, 'pack', info!.filename);
    const prefix = join(root, 'prefix');
    // Run from an empty folder, so no project .npmrc applies; --userconfig leaves out this machine's user settings.
    const install = mustSucceed(
      'npm install -g',
      run('npm', ['install', '-g', '--prefix', prefix, '--userconfig', userconfig, tarball], join(root, 'empty')),
    );
    return {
      root,
      prefix,
      tarball,
      packageDir: join(prefix, 'lib', 'node_modules', 'tinyforge'),
      bin: join(prefix, 'bin', 'tinyforge'),
      tarballBytes: statSync(tarball).size,
      files: info!.files.map((f) => f.path),
      packSeconds: pack.seconds,
      installSeconds: install.seconds,
      cleanup: () => rmSync(root, { recursive: true, force: true }),
    };
  } catch (e) {
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
}
