// loadFlasherArgs reads ESP-IDF's flasher_args.json: offsets → binaries, chip, flash settings; bad files name the field.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFlasherArgs } from '../../src/device/flash/flasher-args.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { writeBuildDir } from './build-dir.ts';
import { esp32FlashSet } from './esp-image.ts';

describe('loadFlasherArgs', () => {
  it('loads every binary at its offset, sorted, with the chip and flash settings', async () => {
    const images = esp32FlashSet(8192);
    const dir = writeBuildDir([images[2], images[0], images[1]]);
    try {
      const args = await loadFlasherArgs(join(dir, 'flasher_args.json'));
      expect(args.chip).toBe('esp32');
      expect(args.flashSettings.flash_size).toBe('4MB');
      expect(args.images.map((i) => [i.offset, i.file])).toEqual(images.map((i) => [i.offset, i.file]));
      for (const [k, img] of args.images.entries()) expect(Buffer.compare(Buffer.from(img.data), Buffer.from(images[k].data))).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the field when a file is missing or an offset is not a number', async () => {
    const dir = writeBuildDir(esp32FlashSet(4096));
    const path = join(dir, 'flasher_args.json');
    try {
      writeFileSync(path, JSON.stringify({ flash_files: { '0x1000': 'bootloader/nope.bin' } }));
      const missing = await loadFlasherArgs(path).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(TinyforgeError);
      expect((missing as TinyforgeError).code).toBe('esp-flasher-args');
      expect((missing as TinyforgeError).diagnostic.location?.field).toBe('flash_files.0x1000');

      writeFileSync(path, JSON.stringify({ flash_files: { boot: 'bootloader/bootloader.bin' } }));
      const badOffset = (await loadFlasherArgs(path).catch((e: unknown) => e)) as TinyforgeError;
      expect(badOffset.message).toContain('"boot" is not a flash offset');

      writeFileSync(path, JSON.stringify({ app: {} }));
      const none = (await loadFlasherArgs(path).catch((e: unknown) => e)) as TinyforgeError;
      expect(none.diagnostic.location?.field).toBe('flash_files');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
