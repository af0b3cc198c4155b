// `tinyforge doctor` and `tinyforge ports`: the real CLI as a subprocess, and the checks with tools taken off PATH.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBoards, loadBoard } from '../../src/build/boards.ts';
import { checkBoard, espIdfCheck, type BoardCheck } from '../../src/cli/commands/doctor.ts';
import { listPorts } from '../../src/device/ports.ts';

const cli = (...args: string[]) =>
  execFileSync(process.execPath, ['bin/tinyforge.js', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const pinned = JSON.parse(readFileSync('package.json', 'utf8')).dependencies['esptool-js'] as string;

describe('tinyforge doctor', () => {
  it('--json: every board, each tool found with its version on this machine, ESP-IDF as the environment says', () => {
    const checks = JSON.parse(cli('doctor', '--json')) as BoardCheck[];
    expect(checks.map((c) => c.board)).toEqual(listBoards());
    const by = Object.fromEntries(checks.map((c) => [c.board, c]));
    const tool = (b: string, role: string) => by[b].tools.find((t) => t.role === role)!;
    expect(by.hifive1.ready).toBe(true);
    expect(tool('hifive1', 'compiler')).toMatchObject({
      name: 'riscv64-unknown-elf-gcc',
      found: true,
      version: expect.stringMatching(/12\.\d/),
    });
    expect(tool('hifive1', 'emulator')).toMatchObject({
      name: 'qemu-system-riscv32',
      found: true,
      version: expect.stringMatching(/^QEMU emulator version \d/),
    });
    expect(tool('mps2-an386', 'libc')).toMatchObject({
      name: 'libnewlib-arm-none-eabi',
      found: true,
      version: expect.stringMatching(/libc\.a$/),
    });
    const idf = tool('esp32', 'sdk');
    expect(idf.name).toBe('ESP-IDF');
    expect(idf.found).toBe(espIdfCheck('esp32').found);
    if (!idf.found) {
      expect(idf.install).toMatch(/install\.sh esp32; .*export\.sh/);
      expect(by.esp32.ready).toBe(false);
    }
    expect(tool('esp32c3', 'sdk').install ?? '').not.toContain('install.sh esp32;');
    expect(tool('esp32', 'flasher')).toMatchObject({ name: 'esptool-js', found: true, version: pinned });
  });

  it('text: one row per tool with status and version', () => {
    const out = cli('doctor', '--board', 'hifive1');
    expect(out).toMatch(/hifive1\s+compiler\s+riscv64-unknown-elf-gcc\s+ok/);
    expect(out).toMatch(/emulator\s+qemu-system-riscv32\s+ok\s+QEMU emulator version/);
  });

  it('names the Debian packages when the tools are not on PATH', async () => {
    const saved = process.env.PATH;
    process.env.PATH = mkdtempSync(join(tmpdir(), 'tfg-empty-path-'));
    try {
      const c = await checkBoard(loadBoard('mps2-an386'));
      expect(c.ready).toBe(false);
      expect(c.tools.map((t) => [t.role, t.found, t.install])).toEqual([
        ['compiler', false, 'sudo apt-get install gcc-arm-none-eabi'],
        ['libc', false, 'sudo apt-get install libnewlib-arm-none-eabi'],
        ['emulator', false, 'sudo apt-get install qemu-system-arm'],
      ]);
      const h = await checkBoard(loadBoard('hifive1'));
      expect(h.tools.find((t) => t.role === 'emulator')?.install).toBe('sudo apt-get install qemu-system-misc');
    } finally {
      rmSync(process.env.PATH, { recursive: true, force: true });
      process.env.PATH = saved;
    }
  });

  it('finds an ESP-IDF checkout by IDF_PATH and reads its version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfg-idf-'));
    try {
      expect(espIdfCheck('esp32', { IDF_PATH: dir })).toMatchObject({ found: false, note: expect.stringContaining('has no tools/idf.py') });
      mkdirSync(join(dir, 'tools'));
      writeFileSync(join(dir, 'tools', 'idf.py'), '');
      writeFileSync(join(dir, 'version.txt'), 'v5.2.2\n');
      expect(espIdfCheck('esp32', { IDF_PATH: dir })).toMatchObject({ found: true, version: `v5.2.2 at ${dir}` });
      expect(espIdfCheck('esp32', {})).toMatchObject({ found: false, note: 'IDF_PATH is not set' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tinyforge ports', () => {
  it('--json lists the same ports as listPorts(), never failing for a missing udevadm', async () => {
    const fromCli = JSON.parse(cli('ports', '--json')) as { path: string; source: string }[];
    const direct = await listPorts();
    expect(fromCli.map((p) => p.path)).toEqual(direct.map((p) => p.path));
    for (const p of fromCli) expect(['serialport', 'sysfs']).toContain(p.source);
  });
});
