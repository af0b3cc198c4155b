import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBoard, type Board } from '../../src/build/boards.ts';
import { elfSize } from '../../src/build/elf-size.ts';
import { renderMakefile, renderSerialMain } from '../../src/build/render.ts';
import { buildSerialFirmware } from '../../src/build/serial-firmware.ts';
import { buildFirmware } from '../../src/build/toolchain.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';

const FIXTURE = join(import.meta.dirname, '../device/fixtures/reverse-model');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'tfg-build-'));

async function rejection(p: Promise<unknown>): Promise<TinyforgeError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TinyforgeError) return e;
    throw e;
  }
  throw new Error('expected a TinyforgeError');
}

describe('toolchain', () => {
  for (const id of ['host', 'mps2-an386', 'microbit']) {
    it(`builds the serial firmware for ${id} and reads its sections from the ELF`, async () => {
      const fw = await buildSerialFirmware(loadBoard(id), {
        modelSources: [join(FIXTURE, 'model.c')],
        includeDirs: [FIXTURE],
        outDir: tmp(),
      });
      const size = fw.size;
      expect(size.text).toBeGreaterThan(500);
      // The stand-in model's 16-byte arena is zero-initialised static data.
      expect(size.sections.find((s) => s.name === '.bss')?.bytes).toBeGreaterThanOrEqual(16);
      expect(size.flashBytes).toBe(size.text + size.rodata + size.data);
      expect(size.ramBytes).toBe(size.data + size.bss);
      if (id !== 'host') {
        const board = loadBoard(id);
        expect(size.flashBytes).toBeLessThan(board.flashBytes);
        // Flash is linked where the board's flash is, static RAM at 0x20000000.
        expect(size.sections.find((s) => s.name === '.text')?.address).toBe(0);
        expect(size.sections.find((s) => s.name === '.bss')?.address).toBe(0x20000000);
      }
    });
  }

  it("shows the compiler's own message when the build fails", async () => {
    const dir = tmp();
    const bad = join(dir, 'bad.c');
    writeFileSync(bad, 'int f(void) { return undeclared_thing; }\n');
    const e = await rejection(buildFirmware({ board: loadBoard('mps2-an386'), sources: [bad], output: join(dir, 'x.elf'), bare: true }));
    expect(e.code).toBe('build-failed');
    const notes = e.diagnostic.notes?.join('\n') ?? '';
    expect(notes).toContain('bad.c:1');
    expect(notes).toContain("'undeclared_thing' undeclared");
  });

  it('names the Debian package when the compiler is missing', async () => {
    const real = loadBoard('mps2-an386');
    const board: Board = { ...real, compiler: { ...real.compiler, command: 'arm-none-eabi-gcc-not-installed' } };
    const e = await rejection(
      buildFirmware({ board, sources: [join(FIXTURE, 'model.c')], includeDirs: [FIXTURE], output: join(tmp(), 'x.elf') }),
    );
    expect(e.code).toBe('missing-toolchain');
    expect(e.message).toContain('arm-none-eabi-gcc-not-installed');
    expect(e.diagnostic.hint).toContain('apt-get install gcc-arm-none-eabi');
  });

  it('rejects a file that is not an ELF', () => {
    const f = join(tmp(), 'x.elf');
    writeFileSync(f, 'not an elf at all, just some text here padding padding padding');
    expect(() => elfSize(f)).toThrow(/not an ELF/);
  });
});

describe('emitted Makefile', () => {
  it('builds the same firmware with make in the output folder', async () => {
    const board = loadBoard('mps2-an386');
    const dir = tmp();
    copyFileSync(join(FIXTURE, 'model.c'), join(dir, 'model.c'));
    copyFileSync(join(FIXTURE, 'model.h'), join(dir, 'model.h'));
    writeFileSync(join(dir, 'main.c'), renderSerialMain(board));
    writeFileSync(join(dir, 'Makefile'), renderMakefile(board, dir, [join(dir, 'main.c'), join(dir, 'model.c')], [dir]));
    execFileSync('make', ['-s', '-C', dir], { stdio: 'pipe' });
    expect(existsSync(join(dir, 'firmware.elf'))).toBe(true);
    expect(elfSize(join(dir, 'firmware.elf')).text).toBeGreaterThan(500);
  });
});
