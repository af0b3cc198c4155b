// The results JSON of a bench run, with date, git commit and machine, written to bench/results/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
    return execFileSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')[0]
      .trim();
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
