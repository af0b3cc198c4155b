// Child processes that must never outlive tinyforge (QEMU, the host-board firmware): tracked, killed on stop,
// on error, and when our own process exits or gets SIGINT/SIGTERM/SIGHUP. A SIGKILL gives tinyforge no chance to
// do anything, so on Linux the kernel does it: each child is started through setpriv with a parent-death signal.
// A child left by a killed tinyforge anyway (no setpriv, an older version) is named by the next run.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { TimeoutError, TinyforgeError, warn, type ErrorCode } from '../diagnostics.ts';
import { forgetSession, recordSession, staleSessions } from './session-registry.ts';

const live = new Set<ChildProcess>();
let hooksInstalled = false;

function killAllNow(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllNow);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAllNow();
      // Default behaviour resumes once our handler is gone: re-raise so the exit status says which signal.
      process.removeListener(sig, onSignal);
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

export interface ManagedProcess {
  child: ChildProcess;
  pid: number;
  /** Everything the process wrote to stderr so far (QEMU's own messages, shown word for word on failure). */
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  command: string;
  args: string[];
  /** What to say when `command` is not installed. */
  missing: { code: ErrorCode; what: string; debianPackage: string; file?: string };
}

/** The executable `command` runs: itself when it names a path, else the first match on PATH; null when none. */
export function findExecutable(command: string): string | null {
  const candidates = command.includes('/')
    ? [command]
    : (process.env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, command));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not here
    }
  }
  return null;
}

let setprivPath: string | null | undefined;

/** Linux: `setpriv --pdeathsig KILL -- cmd args` makes the kernel kill the child when tinyforge dies, SIGKILL included. */
function withParentDeathSignal(executable: string, args: string[]): [string, string[]] {
  if (process.platform !== 'linux') return [executable, args];
  if (setprivPath === undefined) setprivPath = findExecutable('setpriv');
  return setprivPath ? [setprivPath, ['--pdeathsig', 'KILL', '--', executable, ...args]] : [executable, args];
}

/** Names every emulator or firmware process a killed tinyforge left running (a warning: it costs only memory and CPU). */
function warnAboutStaleSessions(): void {
  for (const s of staleSessions()) {
    warn(
      'stale-process',
      `${s.command.split('/').pop()} pid ${s.pid}, started by tinyforge pid ${s.owner} (which is gone) at ${s.started}, is still running`,
      {
        notes: [[s.command, ...s.args].join(' ')],
        hint: `stop it with: kill ${s.pid}`,
      },
    );
  }
}

/** Spawns a tracked process; a missing executable becomes `missing.code` naming the Debian package. */
export async function startManaged(opts: StartOptions): Promise<ManagedProcess> {
  installExitHooks();
  warnAboutStaleSessions();
  const executable = findExecutable(opts.command);
  if (!executable) throw missingCommand(opts);
  const [command, args] = withParentDeathSignal(executable, opts.args);
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      live.delete(child);
      if (child.pid !== undefined) forgetSession(child.pid);
      resolve({ code, signal });
    }),
  );
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') {
        reject(missingCommand(opts));
      } else {
        reject(new TinyforgeError('process-failed', `cannot start ${opts.command}: ${e.message}`));
      }
    });
  });
  live.add(child);
  const pid = child.pid as number;
  recordSession({ pid, command: executable, args: opts.args });
  const stop = async (graceMs = 2000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { child, pid, stderr: () => err, exited, stop };
}

function missingCommand(opts: StartOptions): TinyforgeError {
  return new TinyforgeError(opts.missing.code, `${opts.missing.what} "${opts.command}" is not installed`, {
    location: opts.missing.file ? { file: opts.missing.file } : undefined,
    hint: `install it: sudo apt-get install ${opts.missing.debianPackage}`,
  });
}

/** Waits until `stream` of `proc` prints a line matching `pattern`; rejects if the process exits or time runs out. */
export function waitForLine(
  proc: ManagedProcess,
  stream: 'stdout' | 'stderr' | 'both',
  pattern: RegExp,
  timeoutMs: number,
  what: string,
): Promise<RegExpMatchArray> {
  const sources = [stream !== 'stderr' ? proc.child.stdout : null, stream !== 'stdout' ? proc.child.stderr : null];
  return new Promise((resolve, reject) => {
    let text = '';
    const started = Date.now();
    const done = (): void => {
      clearTimeout(timer);
      for (const s of sources) s?.off('data', onData);
    };
    const onData = (d: Buffer): void => {
      text += d.toString();
      const m = text.match(pattern);
      if (m) {
        done();
        resolve(m);
      }
    };
    const timer = setTimeout(() => {
      done();
      reject(new TimeoutError(`${what}: nothing matching ${pattern} within ${timeoutMs} ms`, { notes: text ? [text.trim()] : [] }));
    }, timeoutMs);
    for (const s of sources) s?.on('data', onData);
    void proc.exited.then(({ code, signal }) => {
      done();
      reject(
        new TinyforgeError('process-failed', `${what}: the process exited (${signal ?? `code ${code}`}) after ${Date.now() - started} ms`, {
          notes: [proc.stderr().trim() || text.trim()].filter(Boolean),
        }),
      );
    });
  });
}
