// A record of the emulators and host firmware processes tinyforge runs, one small file per process, so that one left
// running by a tinyforge that was killed (SIGKILL gives no chance to clean up) is found and named by the next run.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export interface SessionRecord {
  /** The process tinyforge started (QEMU or the host firmware). */
  pid: number;
  /** The tinyforge process that started it. */
  owner: number;
  command: string;
  args: string[];
  started: string;
}

/** Where the records live: per user, in the temp folder (TINYFORGE_STATE_DIR overrides it, e.g. for tests). */
export function registryDir(): string {
  return process.env.TINYFORGE_STATE_DIR ?? join(tmpdir(), `tinyforge-${process.getuid?.() ?? 'user'}`, 'sessions');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `pid` is still the process the record names (not a new one that reused the pid): its command line on
 *  Linux; elsewhere, that it is alive. */
function stillRuns(r: SessionRecord): boolean {
  if (!alive(r.pid)) return false;
  try {
    const cmdline = readFileSync(`/proc/${r.pid}/cmdline`, 'utf8').split('\0');
    return cmdline.some((a) => a === r.command || basename(a) === basename(r.command));
  } catch {
    return process.platform !== 'linux';
  }
}

export function recordSession(r: Omit<SessionRecord, 'owner' | 'started'>): void {
  try {
    mkdirSync(registryDir(), { recursive: true });
    writeFileSync(join(registryDir(), `${r.pid}.json`), JSON.stringify({ ...r, owner: process.pid, started: new Date().toISOString() }));
  } catch {
    // The record only helps a later run name a leftover; a read-only temp folder must not stop this one.
  }
}

export function forgetSession(pid: number): void {
  rmSync(join(registryDir(), `${pid}.json`), { force: true });
}

/** Processes started by a tinyforge that is gone and still running; records of processes that ended are removed. */
export function staleSessions(): SessionRecord[] {
  let names: string[];
  try {
    names = readdirSync(registryDir()).filter((n) => /^\d+\.json$/.test(n));
  } catch {
    return [];
  }
  const stale: SessionRecord[] = [];
  for (const n of names) {
    let r: SessionRecord;
    try {
      r = JSON.parse(readFileSync(join(registryDir(), n), 'utf8')) as SessionRecord;
      if (!Number.isInteger(r.pid) || !Number.isInteger(r.owner) || typeof r.command !== 'string' || !Array.isArray(r.args))
        throw new Error('not a record');
    } catch {
      rmSync(join(registryDir(), n), { force: true });
      continue;
    }
    if (r.owner === process.pid || alive(r.owner)) continue; // a live session, ours or another tinyforge's
    if (stillRuns(r)) stale.push(r);
    else rmSync(join(registryDir(), n), { force: true });
  }
  return stale;
}
