// Emulators never outlive tinyforge: a CLI killed with SIGKILL mid-deploy takes QEMU with it (the kernel's
// parent-death signal), and a process a killed run left anyway is found and named by the next start.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setWarningSink, type Diagnostic } from '../../src/diagnostics.ts';
import { startManaged } from '../../src/device/managed-process.ts';
import { registryDir, staleSessions } from '../../src/device/session-registry.ts';
import { writeTinyMlp } from '../cli/tiny-model.ts';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return !/^\S+\s+\S+\s+Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/\(.*\)/, 'x')); // a zombie is dead
  } catch {
    return false;
  }
};

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('emulator lifetime', () => {
  it('SIGKILL of the CLI mid-deploy leaves no QEMU running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfg-kill-'));
    const state = join(dir, 'sessions');
    const model = join(dir, 'tiny.onnx');
    writeTinyMlp(model);
    const cli = spawn(
      'node',
      [
        'bin/tinyforge.js',
        'deploy',
        model,
        '--board',
        'mps2-an386',
        '--quantize',
        'none',
        '--dataset',
        'mnist',
        '--samples',
        '5000',
        '-o',
        join(dir, 'out'),
      ],
      {
        env: { ...process.env, TINYFORGE_STATE_DIR: state },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    cli.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((r) => cli.on('exit', () => r()));
    // The registry names QEMU's pid once it runs; samples streaming means it is mid-session.
    await until('QEMU to start', () => existsSync(state) && readdirSync(state).length > 0 && stderr.includes('on device'), 150_000);
    const qemuPid = Number(readdirSync(state)[0].replace('.json', ''));
    expect(readFileSync(`/proc/${qemuPid}/cmdline`, 'utf8')).toContain('qemu-system-arm');
    cli.kill('SIGKILL');
    await exited;
    await until('QEMU to exit after its parent was killed', () => !alive(qemuPid), 5_000);
    // The next start finds nothing stale: the record of the dead QEMU is dropped.
    process.env.TINYFORGE_STATE_DIR = state;
    try {
      expect(staleSessions()).toEqual([]);
      expect(readdirSync(state)).toEqual([]);
    } finally {
      delete process.env.TINYFORGE_STATE_DIR;
    }
  }, 240_000);

  it('a process left by a killed run is named, with its pid, when the next one starts', async () => {
    const state = mkdtempSync(join(tmpdir(), 'tfg-stale-'));
    process.env.TINYFORGE_STATE_DIR = state;
    const leftover = spawn('sleep', ['60'], { stdio: 'ignore' });
    const deadOwner = spawnSync('true').pid!;
    const warnings: Diagnostic[] = [];
    setWarningSink((d) => warnings.push(d));
    try {
      mkdirSync(registryDir(), { recursive: true });
      const sleepPath = spawnSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).stdout.trim();
      writeFileSync(
        join(registryDir(), `${leftover.pid}.json`),
        JSON.stringify({ pid: leftover.pid, owner: deadOwner, command: sleepPath, args: ['60'], started: 'earlier' }),
      );
      writeFileSync(join(registryDir(), '999999.json'), 'not json'); // a broken record is dropped, not fatal
      expect(staleSessions().map((s) => s.pid)).toEqual([leftover.pid]);
      const p = await startManaged({
        command: 'true',
        args: [],
        missing: { code: 'missing-emulator', what: 'true', debianPackage: 'coreutils' },
      });
      await p.exited;
      expect(warnings.map((w) => w.code)).toEqual(['stale-process']);
      expect(warnings[0].message).toContain(`pid ${leftover.pid}`);
      expect(warnings[0].hint).toBe(`stop it with: kill ${leftover.pid}`);
      expect(existsSync(join(registryDir(), '999999.json'))).toBe(false);
    } finally {
      leftover.kill('SIGKILL');
      setWarningSink(() => {});
      delete process.env.TINYFORGE_STATE_DIR;
    }
  });

  it('a missing emulator is still named with its Debian package', async () => {
    const e = await startManaged({
      command: 'qemu-system-nosuch',
      args: [],
      missing: { code: 'missing-emulator', what: 'the emulator', debianPackage: 'qemu-system-arm' },
    }).catch((err) => err);
    expect(e.code).toBe('missing-emulator');
    expect(e.diagnostic.hint).toContain('apt-get install qemu-system-arm');
  });
});
