// Builds the stand-in model (test/device/fixtures/reverse-model) into serial firmware for a board, once per board.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBoard } from '../../src/build/boards.ts';
import { buildSerialFirmware } from '../../src/build/serial-firmware.ts';
import { buildFirmware } from '../../src/build/toolchain.ts';

export const FIXTURES = join(import.meta.dirname, 'fixtures');
const MODEL = join(FIXTURES, 'reverse-model');

/** The serial firmware (template main + runtime + port) around the reverse-bytes stand-in model. */
export async function buildReverseFirmware(boardId: string): Promise<string> {
  const fw = await buildSerialFirmware(loadBoard(boardId), {
    modelSources: [join(MODEL, 'model.c')],
    includeDirs: [MODEL],
    outDir: mkdtempSync(join(tmpdir(), `tfg-${boardId}-`)),
  });
  return fw.elfPath;
}

/** A firmware that boots but never answers a hello. */
export async function buildSilentFirmware(boardId: string): Promise<string> {
  const r = await buildFirmware({
    board: loadBoard(boardId),
    sources: [join(FIXTURES, 'silent-main.c'), join(MODEL, 'model.c')],
    includeDirs: [MODEL],
    output: join(mkdtempSync(join(tmpdir(), `tfg-silent-${boardId}-`)), 'firmware.elf'),
  });
  return r.elfPath;
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Input i of the round-trip test: 16 distinct bytes. */
export function sampleInput(i: number): Uint8Array {
  return Uint8Array.from({ length: 16 }, (_, k) => (i * 37 + k * 11 + 1) & 0xff);
}
