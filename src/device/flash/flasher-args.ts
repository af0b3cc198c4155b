// Reads ESP-IDF's build/flasher_args.json: which binary goes to which flash offset (bootloader, partition table, app),
// so the flasher writes exactly what `idf.py flash` would.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { TinyforgeError } from '../../diagnostics.ts';

export interface FlashImage {
  offset: number;
  data: Uint8Array;
  /** Path as written in flasher_args.json, for messages. */
  file?: string;
}

export interface FlasherArgs {
  images: FlashImage[];
  /** extra_esptool_args.chip, e.g. "esp32". */
  chip?: string;
  /** flash_settings: flash_mode, flash_size, flash_freq as ESP-IDF wrote them. */
  flashSettings: Record<string, string>;
}

function bad(file: string, field: string, message: string): TinyforgeError {
  return new TinyforgeError('esp-flasher-args', `${file}: ${message}`, {
    location: { file, field },
    hint: 'rebuild with `idf.py build`; flasher_args.json is written by ESP-IDF next to the binaries',
  });
}

/** Parses an offset key like "0x1000" (ESP-IDF writes hex strings). */
function parseOffset(key: string, file: string): number {
  const value = /^0x[0-9a-f]+$/i.test(key) ? Number.parseInt(key, 16) : /^\d+$/.test(key) ? Number(key) : NaN;
  if (!Number.isSafeInteger(value)) throw bad(file, `flash_files.${key}`, `"${key}" is not a flash offset`);
  return value;
}

/** Loads flasher_args.json and every binary it names (paths are relative to the json's folder). Sorted by offset. */
export async function loadFlasherArgs(path: string): Promise<FlasherArgs> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw bad(path, '', `cannot read: ${(err as Error).message}`);
  }
  const root = json as { flash_files?: unknown; flash_settings?: unknown; extra_esptool_args?: { chip?: unknown } };
  if (typeof root.flash_files !== 'object' || root.flash_files === null || Array.isArray(root.flash_files)) {
    throw bad(path, 'flash_files', 'has no "flash_files" object (offset → file)');
  }
  const entries = Object.entries(root.flash_files as Record<string, unknown>);
  if (entries.length === 0) throw bad(path, 'flash_files', '"flash_files" is empty');
  const images: FlashImage[] = [];
  for (const [key, file] of entries) {
    if (typeof file !== 'string') throw bad(path, `flash_files.${key}`, `the file for ${key} is not a string`);
    let data: Uint8Array;
    try {
      data = new Uint8Array(await readFile(resolve(dirname(path), file)));
    } catch (err) {
      throw bad(path, `flash_files.${key}`, `cannot read ${file} (for offset ${key}): ${(err as Error).message}`);
    }
    images.push({ offset: parseOffset(key, path), data, file });
  }
  images.sort((a, b) => a.offset - b.offset);
  const settings = (typeof root.flash_settings === 'object' && root.flash_settings) || {};
  const chip = typeof root.extra_esptool_args?.chip === 'string' ? root.extra_esptool_args.chip : undefined;
  return { images, chip, flashSettings: settings as Record<string, string> };
}
