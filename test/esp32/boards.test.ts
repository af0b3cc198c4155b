// The ESP board files carry what the flasher and the report need, and each id is a chip esptool-js will accept.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ESP_CHIP_NAMES } from '../../src/device/flash/esp32.ts';

const ids = ['esp32', 'esp32s3', 'esp32c3'] as const;

describe('boards/esp32*.json', () => {
  for (const id of ids) {
    it(`${id}: id matches the file, esptool flasher, sizes and a cycle counter`, () => {
      const board = JSON.parse(readFileSync(new URL(`../../boards/${id}.json`, import.meta.url), 'utf8'));
      expect(board.id).toBe(id);
      expect(board.flasher).toBe('esptool');
      expect(ESP_CHIP_NAMES[id]).toBeDefined();
      for (const f of ['name', 'cpu', 'arch', 'family', 'compiler']) expect(typeof board[f], f).toBe('string');
      for (const f of ['clock_hz', 'flash_bytes', 'ram_bytes']) expect(Number.isInteger(board[f]) && board[f] > 0, f).toBe(true);
      expect(board.flash_bytes % (1024 * 1024)).toBe(0);
      expect(board.cycle_counter.unit).toBe('cycles');
    });
  }
  it('the RISC-V C3 does not claim the Xtensa CCOUNT register', () => {
    const c3 = JSON.parse(readFileSync(new URL('../../boards/esp32c3.json', import.meta.url), 'utf8'));
    expect(c3.arch).toBe('riscv32');
    expect(c3.cycle_counter.kind).not.toBe('ccount');
  });
});
