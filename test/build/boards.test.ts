import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BOARDS_DIR, listBoards, loadBoard } from '../../src/build/boards.ts';
import { errorOf } from '../errors.ts';

describe('boards', () => {
  it('lists every board file and loads each one', () => {
    const ids = listBoards();
    for (const id of ['host', 'mps2-an385', 'mps2-an386', 'mps2-an500', 'netduinoplus2', 'microbit']) expect(ids).toContain(id);
    for (const id of ids) {
      const b = loadBoard(id);
      expect(b.id).toBe(id);
      expect(b.flashBytes).toBeGreaterThan(0);
      expect(b.ramBytes).toBeGreaterThan(0);
    }
  });

  it('a board without a timer names one that runs the same code with a timer (timed_on)', () => {
    for (const id of listBoards()) {
      const b = loadBoard(id);
      if (!b.cycleCounter.timedOn) continue;
      expect(b.cycleCounter.unit).toBe('unavailable');
      const t = loadBoard(b.cycleCounter.timedOn);
      expect(t.cycleCounter.unit).not.toBe('unavailable');
      expect([t.cpu, t.arch, t.cflags, t.kernels]).toEqual([b.cpu, b.arch, b.cflags, b.kernels]);
    }
    expect(loadBoard('microbit').cycleCounter.timedOn).toBe('mps2-an385-armv6m');
  });

  it('describes the emulated boards as measured (memory, emulator, timer)', () => {
    const m4 = loadBoard('mps2-an386');
    expect(m4.emulator).toMatchObject({ machine: 'mps2-an386', icountShift: 3 });
    expect(m4.cycleCounter).toMatchObject({ kind: 'systick-icount', unit: 'instructions' });
    expect(m4.kernels).toBe('cortex-m-dsp');
    const microbit = loadBoard('microbit');
    expect([microbit.flashBytes, microbit.ramBytes]).toEqual([256 * 1024, 16 * 1024]);
    expect(microbit.cycleCounter.unit).toBe('unavailable');
    expect(loadBoard('host').emulator).toBeUndefined();
  });

  it('refuses an unknown board and lists the valid ids', () => {
    const e = errorOf(() => loadBoard('esp8266-imaginary'));
    expect(e.code).toBe('unknown-board');
    expect(e.message).toContain('esp8266-imaginary');
    expect(e.diagnostic.notes?.join(' ')).toContain('mps2-an386');
  });

  it('names the file and every bad field of a broken board file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfg-boards-'));
    const good = JSON.parse(readFileSync(join(BOARDS_DIR, 'mps2-an386.json'), 'utf8'));
    const broken = { ...good, id: 'broken', clock_hz: 'fast', cycle_counter: { ...good.cycle_counter, kind: 'sundial' } };
    delete broken.cflags;
    writeFileSync(join(dir, 'broken.json'), JSON.stringify(broken));
    const e = errorOf(() => loadBoard('broken', dir));
    expect(e.code).toBe('bad-board-file');
    expect(e.diagnostic.location?.file).toBe(join(dir, 'broken.json'));
    const notes = e.diagnostic.notes?.join('\n') ?? '';
    expect(notes).toContain('"clock_hz"');
    expect(notes).toContain('"cflags"');
    expect(notes).toContain('"cycle_counter.kind"');
  });
});
