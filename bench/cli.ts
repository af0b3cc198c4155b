// Runs one tinyforge command exactly as a user types it (plus --json) and returns its JSON output, so every bench
// figure comes from the CLI and nothing else.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const cliEntry = join(repoRoot, 'bin', 'tinyforge.js');

/** How a command is printed beside its figures: what a user types in a clone after `bash setup.sh`. */
export const CLI_PREFIX = 'node bin/tinyforge.js';

export interface CliResult {
  command: string;
  exitCode: number;
  seconds: number;
  /** Parsed stdout (the command's --json output), or undefined when it printed no JSON. */
  json: unknown;
  /** The last lines of stderr (progress and diagnostics), kept for failed runs. */
  stderrTail: string;
}

/** Splits a command line on spaces; quoting is not needed by any bench command. */
export function argvOf(command: string): string[] {
  return command.trim().split(/\s+/).filter(Boolean);
}

/**
 * Runs `node bin/tinyforge.js <command> --json` from the repository root. Progress lines from stderr are passed to
 * `onLine` as they come, so a long run shows what it is doing.
 */
export function runCli(command: string, onLine: (line: string) => void = () => {}): Promise<CliResult> {
  const started = Date.now();
  const child = spawn(process.execPath, [cliEntry, ...argvOf(command), '--json'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    const lines = (partial + d).split(/\r?\n|\r/);
    partial = lines.pop() ?? '';
    for (const l of lines) if (l.trim()) onLine(l);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      let json: unknown;
      try {
        json = stdout.trim() ? JSON.parse(stdout) : undefined;
      } catch {
        json = undefined;
      }
      resolve({
        command: `${CLI_PREFIX} ${command}`,
        exitCode: code ?? 1,
        seconds: Math.round((Date.now() - started) / 100) / 10,
        json,
        stderrTail: stderr.trim().split('\n').slice(-12).join('\n'),
      });
    });
  });
}
