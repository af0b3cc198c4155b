// On a real ESP board only (`npm run test:hardware`, see docs/hardware.md): TINYFORGE_HW_PORT names its serial port.
// Not part of `npm test`: CI has no board. Without the variables these tests fail, they never skip.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hardwarePort } from './hardware-env.ts';
import { loadBoard } from '../../src/build/boards.ts';
import { deployEsp32 } from '../../src/device/flash/deploy-esp32.ts';
import { ESP_CHIP_NAMES, flashEsp32, type EspChip } from '../../src/device/flash/esp32.ts';
import { loadFlasherArgs } from '../../src/device/flash/flasher-args.ts';
import { openHardwareSession } from '../../src/device/flash/hardware-session.ts';
import { int8Cnn, int8Inputs, referenceOutput } from '../esp32/int8-model.ts';

const port = hardwarePort('esp32');
const chip = process.env.TINYFORGE_HW_CHIP as EspChip | undefined;
const flasherArgs = process.env.TINYFORGE_HW_FLASHER_ARGS;

describe(`ESP hardware on ${port}`, () => {
  it('writes 64 KB of random data to a scratch region near the end of flash and verifies it by MD5', async () => {
    // 0x3F0000..0x400000 lies past ESP-IDF's default partitions on a 4 MB part: the board's app keeps working.
    const data = new Uint8Array(randomBytes(64 * 1024));
    const result = await flashEsp32({ port, images: [{ offset: 0x3f0000, data }], chip });
    if (chip) expect(result.chip).toBe(ESP_CHIP_NAMES[chip]);
    expect(result.images).toHaveLength(1);
    expect(result.images[0].bytes).toBe(data.length);
    expect(result.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
  }, 60_000);

  // Declared only when the person running the suite names a build (these are not skips: the test is not asked for).
  if (flasherArgs)
    it('flashes the ESP-IDF build named by TINYFORGE_HW_FLASHER_ARGS', async () => {
      const args = await loadFlasherArgs(flasherArgs);
      const result = await flashEsp32({ port, images: args.images, chip: (args.chip as EspChip | undefined) ?? chip });
      expect(result.images.map((i) => i.offset)).toEqual(args.images.map((i) => i.offset));
    }, 120_000);

  // With ESP-IDF installed: the whole deploy path on the board, with real cycle counts.
  if (process.env.IDF_PATH)
    it('builds the ESP-IDF project for an int8 CNN, flashes it, and measures cycles over the same port', async () => {
      const board = loadBoard(chip ?? 'esp32');
      const model = await int8Cnn();
      const r = await deployEsp32({ board, model: model.gen, outDir: mkdtempSync(join(tmpdir(), 'tfg-hw-esp32-')), port });
      expect(r.build.kind).toBe('idf.py');
      const s = await openHardwareSession(board, port);
      try {
        expect(s.hello.boardId).toBe(board.id);
        expect(s.hello.modelHash).toBe(model.gen.hash);
        for (const input of int8Inputs(4)) {
          const run = await s.run(new Uint8Array(input.buffer));
          expect(Array.from(run.output)).toEqual(Array.from(referenceOutput(model, input)));
          expect(run.latency.unit).toBe('cycles');
          expect(run.latency.value).toBeGreaterThan(1000);
        }
      } finally {
        await s.close();
      }
    }, 900_000);
});
