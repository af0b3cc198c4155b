// `tinyforge doctor --board B` exits 2 naming what is missing when B's tools are not installed, and 0 when they are.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function doctor(path: string | undefined, ...args: string[]) {
  const env = { ...process.env, ...(path === undefined ? {} : { PATH: path }) };
  const r = spawnSync(process.execPath, ['bin/tinyforge.js', 'doctor', ...args], { encoding: 'utf8', env, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tinyforge doctor --board', () => {
  it('exits 0 for a board whose tools are all on PATH', () => {
    const r = doctor(undefined, '--board', 'mps2-an386');
    expect(r.stderr).toContain('every board is ready');
    expect(r.code).toBe(0);
  });

  it('exits 2 with board-not-ready, naming each missing tool and its install command, in text and --json', () => {
    const empty = mkdtempSync(join(tmpdir(), 'tfg-empty-path-'));
    try {
      const text = doctor(empty, '--board', 'mps2-an386');
      expect(text.code).toBe(2);
      expect(text.stdout).toMatch(/mps2-an386 \(not ready\)\s+compiler\s+arm-none-eabi-gcc\s+MISSING/);
      expect(text.stderr).toContain(
        'error[board-not-ready]: mps2-an386: compiler arm-none-eabi-gcc, libc libnewlib-arm-none-eabi, emulator qemu-system-arm are missing',
      );
      expect(text.stderr).toContain('qemu-system-arm: sudo apt-get install qemu-system-arm');
      const json = doctor(empty, '--board', 'mps2-an386', '--json');
      expect(json.code).toBe(2);
      const { error } = JSON.parse(json.stdout) as { error: { code: string; notes: string[]; location: { file: string } } };
      expect(error.code).toBe('board-not-ready');
      expect(error.location.file).toMatch(/boards\/mps2-an386\.json$/);
      expect(error.notes).toEqual([
        'arm-none-eabi-gcc: sudo apt-get install gcc-arm-none-eabi',
        'libnewlib-arm-none-eabi: sudo apt-get install libnewlib-arm-none-eabi',
        'qemu-system-arm: sudo apt-get install qemu-system-arm',
      ]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
