// Writes a build folder shaped like ESP-IDF's (binaries + flasher_args.json) from in-memory images, so tests flash
// through the same loader path as a real `idf.py build` output.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function writeBuildDir(images: { offset: number; data: Uint8Array; file: string }[], chip = 'esp32'): string {
  const dir = mkdtempSync(join(tmpdir(), 'tinyforge-idf-build-'));
  const flashFiles: Record<string, string> = {};
  for (const img of images) {
    mkdirSync(dirname(join(dir, img.file)), { recursive: true });
    writeFileSync(join(dir, img.file), img.data);
    flashFiles[`0x${img.offset.toString(16)}`] = img.file;
  }
  const args = {
    write_flash_args: ['--flash_mode', 'dio', '--flash_size', '4MB', '--flash_freq', '40m'],
    flash_settings: { flash_mode: 'dio', flash_size: '4MB', flash_freq: '40m' },
    flash_files: flashFiles,
    extra_esptool_args: { after: 'hard_reset', before: 'default_reset', stub: true, chip },
  };
  writeFileSync(join(dir, 'flasher_args.json'), JSON.stringify(args, null, 4));
  return dir;
}
