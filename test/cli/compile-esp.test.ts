// `tinyforge compile --board esp32|esp32s3|esp32c3` through the real CLI, with no port and no ESP-IDF: the output folder
// holds the complete ESP-IDF project (what `idf.py build` reads) around the very model compile generated, and its
// portable C compiles with the host gcc and, for the RISC-V ESP32-C3, with Debian's riscv64-unknown-elf-gcc.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBoard } from '../../src/build/boards.ts';
import { COMPONENT_DIR } from '../../src/build/esp-idf.ts';
import { BASE_CFLAGS, FIRMWARE_DIR } from '../../src/build/firmware-files.ts';
import { writeTinyMlp } from './tiny-model.ts';

const dir = mkdtempSync(join(tmpdir(), 'tfg-compile-esp-'));
const model = join(dir, 'tiny.onnx');
beforeAll(() => writeTinyMlp(model));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function walk(d: string): string[] {
  return readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
}

describe('compile for ESP boards writes the ESP-IDF project', () => {
  for (const id of ['esp32', 'esp32s3', 'esp32c3']) {
    it(`${id}: project files, the compiled model inside it, sdkconfig for the chip, portable C that compiles`, () => {
      const out = join(dir, id);
      const r = spawnSync(
        'node',
        ['bin/tinyforge.js', 'compile', model, '--board', id, '--dataset', 'mnist', '--calibration-samples', '8', '-o', out],
        { encoding: 'utf8', timeout: 300_000, env: { ...process.env, IDF_PATH: '' } },
      );
      expect(r.stderr).not.toContain('error[');
      expect(r.status).toBe(0);
      const idf = join(out, 'esp-idf');
      expect(r.stderr).toContain(`ESP-IDF project: ${idf} (build it with ESP-IDF 5.x: idf.py -C ${idf} build`);
      const manifest = JSON.parse(readFileSync(join(out, 'tinyforge.json'), 'utf8'));
      expect(manifest.esp_idf).toBe('esp-idf');
      const comp = join(idf, COMPONENT_DIR);
      for (const f of [
        'CMakeLists.txt',
        'sdkconfig.defaults',
        'partitions.csv',
        'main/CMakeLists.txt',
        'main/main.c',
        'main/app_main.c',
        `${COMPONENT_DIR}/CMakeLists.txt`,
        `${COMPONENT_DIR}/Kconfig`,
        `${COMPONENT_DIR}/model.c`,
        `${COMPONENT_DIR}/model.h`,
        `${COMPONENT_DIR}/runtime/tfg_serve.c`,
        `${COMPONENT_DIR}/runtime/tfg_stack.c`,
        `${COMPONENT_DIR}/port/tfg_esp_idf_port.c`,
      ]) {
        expect(existsSync(join(idf, f)), f).toBe(true);
      }
      // The project holds exactly the model compile generated (same C, same hash), and every kernel it calls.
      expect(readFileSync(join(comp, 'model.c'), 'utf8')).toBe(readFileSync(join(out, 'model.c'), 'utf8'));
      expect(readFileSync(join(comp, 'model.h'), 'utf8')).toContain(
        `#define TFG_MODEL_HASH 0x${manifest.hash.toString(16).padStart(8, '0')}u`,
      );
      for (const s of manifest.sources as string[]) expect(existsSync(join(comp, s)), s).toBe(true);
      const sdk = readFileSync(join(idf, 'sdkconfig.defaults'), 'utf8');
      const board = loadBoard(id);
      expect(sdk).toContain(`CONFIG_IDF_TARGET="${id}"`);
      expect(sdk).toContain(`CONFIG_ESP_DEFAULT_CPU_FREQ_MHZ_${board.clockHz / 1e6}=y`);
      expect(sdk).toContain(`CONFIG_ESPTOOLPY_FLASHSIZE_${board.flashBytes / (1 << 20)}MB=y`);
      expect(readFileSync(join(idf, 'CMakeLists.txt'), 'utf8')).toContain(`project(tinyforge_${id})`);

      // Portable C (model, kernels, runtime, serial main): host gcc, warnings as errors; the C3's with its RISC-V gcc.
      const cFiles = walk(comp).filter((f) => f.endsWith('.c') && !relative(comp, f).startsWith('port/'));
      cFiles.push(join(idf, 'main/main.c'));
      const includes = ['.', 'runtime', 'tfg/include'].map((d) => `-I${join(comp, d)}`);
      for (const f of cFiles) execFileSync('gcc', [...BASE_CFLAGS, ...includes, '-fsyntax-only', f], { stdio: 'pipe' });
      if (id === 'esp32c3') {
        const shim = `-I${join(FIRMWARE_DIR, 'boards', 'sifive')}`; // Debian's RISC-V gcc has no libc: the libc-less <string.h>
        for (const [i, f] of cFiles.entries()) {
          const obj = join(out, `c3-${i}.o`);
          execFileSync(board.compiler.command, [...BASE_CFLAGS, ...board.cflags, ...includes, shim, '-c', f, '-o', obj], { stdio: 'pipe' });
          expect(execFileSync('riscv64-unknown-elf-readelf', ['-h', obj], { encoding: 'utf8' })).toMatch(
            /Flags:\s+0x1, RVC, soft-float ABI/,
          );
        }
      }
    }, 120_000);
  }
});
