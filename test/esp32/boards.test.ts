// The ESP board files pass the project's board schema (src/build/boards.ts), name a chip esptool-js accepts, and say
// honestly how cycles are counted on each core.
import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../src/build/boards.ts';
import { ESP_CHIP_NAMES } from '../../src/device/flash/esp32.ts';

const ids = ['esp32', 'esp32s3', 'esp32c3'] as const;

describe('boards/esp32*.json', () => {
  for (const id of ids) {
    it(`${id}: loads through the board schema, flashed by esptool, measured in cycles, no emulator`, () => {
      const board = loadBoard(id);
      expect(board.flasher).toBe('esptool');
      expect(ESP_CHIP_NAMES[id]).toBeDefined();
      expect(board.emulator).toBeUndefined();
      expect(board.flashBytes % (1024 * 1024)).toBe(0);
      expect(board.runtimeReserve.flashBytes).toBeLessThan(board.flashBytes);
      expect(board.runtimeReserve.ramBytes).toBeLessThan(board.ramBytes);
      expect(board.cycleCounter).toMatchObject({ kind: 'ccount', unit: 'cycles' });
      expect(board.cycleCounter.note).toMatch(/Not emulated/);
    });
  }

  it('the RISC-V C3 says which counter stands in for CCOUNT and compiles with Debian riscv gcc for rv32imc', () => {
    const c3 = loadBoard('esp32c3');
    expect(c3.arch).toBe('riscv32');
    expect(c3.cycleCounter.note).toMatch(/mpccr/);
    expect(c3.compiler.debianPackage).toBe('gcc-riscv64-unknown-elf');
    expect(c3.cflags).toEqual(expect.arrayContaining(['-march=rv32imc', '-mabi=ilp32']));
  });
});
