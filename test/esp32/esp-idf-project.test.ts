// The generated ESP-IDF project: every file there, CMake lists every C file, includes resolve, sdkconfig and the
// partition table fit each chip, the portable C compiles with host gcc and (for the C3) Debian's RISC-V gcc, and
// `idf.py build` runs when ESP-IDF is installed or fails with 'missing-sdk' naming it when it is not.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBoard } from '../../src/build/boards.ts';
import { buildEspIdfProject, COMPONENT_DIR, generateEspIdfProject, type EspIdfProject } from '../../src/build/esp-idf.ts';
import { BASE_CFLAGS, FIRMWARE_DIR } from '../../src/build/firmware-files.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { int8Cnn, type Int8Model } from './int8-model.ts';

const dirs: string[] = [];
let model: Int8Model;
const projects: Record<string, EspIdfProject> = {};

beforeAll(async () => {
  model = await int8Cnn('reference');
  for (const id of ['esp32', 'esp32s3', 'esp32c3']) {
    const dir = mkdtempSync(join(tmpdir(), `tfg-idf-${id}-`));
    dirs.push(dir);
    projects[id] = generateEspIdfProject({ board: loadBoard(id), model: model.gen, outDir: dir, modelName: 'tiny-cnn' });
  }
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
}
/** The quoted paths of a CMake argument list after `keyword` up to the next upper-case keyword or ')'. */
function cmakeList(text: string, keyword: string): string[] {
  const m = new RegExp(`${keyword}\\s+([^)]*?)(?=\\n\\s*[A-Z_]{4,}\\s|\\))`, 's').exec(text);
  return m ? [...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]) : [];
}
const sdk = (p: EspIdfProject) => readFileSync(join(p.dir, 'sdkconfig.defaults'), 'utf8');

describe('ESP-IDF project generation', () => {
  it('writes the project files, the model component with the runtime and the port', () => {
    const p = projects.esp32;
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
      `${COMPONENT_DIR}/runtime/tfg_port.h`,
      `${COMPONENT_DIR}/port/tfg_esp_idf_port.c`,
    ]) {
      expect(existsSync(join(p.dir, f)), f).toBe(true);
      expect(p.files).toContain(f);
    }
    expect(
      walk(p.dir)
        .map((f) => relative(p.dir, f))
        .sort(),
    ).toEqual(p.files);
    expect(readFileSync(join(p.dir, 'CMakeLists.txt'), 'utf8')).toMatch(
      /include\(\$ENV\{IDF_PATH\}\/tools\/cmake\/project\.cmake\)\nproject\(tinyforge_esp32\)/,
    );
    // main.c is the same serial main as every other board, with this board's id.
    expect(readFileSync(join(p.dir, 'main/main.c'), 'utf8')).toContain('#define TFG_BOARD_ID "esp32"');
    expect(readFileSync(join(p.dir, 'main/app_main.c'), 'utf8')).toMatch(/void app_main\(void\)\s*\{\s*\(void\)main\(\);/);
    expect(readFileSync(join(p.dir, COMPONENT_DIR, 'port/tfg_esp_idf_port.c'), 'utf8')).toContain('esp_cpu_get_cycle_count()');
  });

  it('lists every C file of the component and of main in their CMakeLists, and nothing that is not there', () => {
    for (const p of Object.values(projects)) {
      const compDir = join(p.dir, COMPONENT_DIR);
      const cmake = readFileSync(join(compDir, 'CMakeLists.txt'), 'utf8');
      const listed = [...cmakeList(cmake, 'set\\(TFG_PORTABLE_SRCS'), ...cmakeList(cmake, '\\$\\{TFG_PORTABLE_SRCS\\}')];
      const onDisk = walk(compDir)
        .filter((f) => f.endsWith('.c'))
        .map((f) => relative(compDir, f));
      expect([...listed].sort()).toEqual(onDisk.sort());
      expect(listed).toEqual(
        expect.arrayContaining([
          'model.c',
          'runtime/tfg_serve.c',
          'port/tfg_esp_idf_port.c',
          ...model.gen.kernels.map((k) => expect.stringContaining(`${k}.c`)),
        ]),
      );
      expect(cmakeList(cmake, 'INCLUDE_DIRS')).toEqual(['.', 'runtime']);
      expect(cmakeList(cmake, 'PRIV_INCLUDE_DIRS')).toEqual(['tfg/include', 'port']);
      for (const d of ['.', 'runtime', 'tfg/include', 'port']) expect(existsSync(join(compDir, d)), d).toBe(true);
      const main = readFileSync(join(p.dir, 'main/CMakeLists.txt'), 'utf8');
      expect(cmakeList(main, 'SRCS').sort()).toEqual(
        walk(join(p.dir, 'main'))
          .filter((f) => f.endsWith('.c'))
          .map((f) => relative(join(p.dir, 'main'), f))
          .sort(),
      );
      expect(main).toMatch(/PRIV_REQUIRES tinyforge_model/);
    }
  });

  it('resolves every quoted #include of the generated C inside the project', () => {
    const p = projects.esp32;
    const compDir = join(p.dir, COMPONENT_DIR);
    const searchDirs = ['.', 'runtime', 'tfg/include', 'port'].map((d) => join(compDir, d));
    const cFiles = [...p.portableSources.map((s) => join(compDir, s)), join(p.dir, 'main/main.c')];
    const headers = walk(compDir).filter((f) => f.endsWith('.h'));
    for (const file of [...cFiles, ...headers]) {
      for (const m of readFileSync(file, 'utf8').matchAll(/#include "([^"]+)"/g)) {
        const found = [dirname(file), ...searchDirs].some((d) => existsSync(join(d, m[1])));
        expect(found, `${relative(p.dir, file)} includes "${m[1]}"`).toBe(true);
      }
    }
  });

  it('sets target, flash size, clock, link, stack and watchdog per chip in sdkconfig.defaults', () => {
    const e = sdk(projects.esp32);
    expect(e).toContain('CONFIG_IDF_TARGET="esp32"\n');
    expect(e).toContain('CONFIG_ESPTOOLPY_FLASHSIZE_4MB=y');
    expect(e).toContain('CONFIG_ESP_DEFAULT_CPU_FREQ_MHZ_240=y');
    expect(e).toContain('CONFIG_TFG_LINK_BAUD=115200');
    expect(e).toContain(`CONFIG_TFG_STACK_BYTES=${loadBoard('esp32').stackBytes}`);
    expect(e).toContain('CONFIG_ESP_TASK_WDT_INIT=n');
    expect(e).toContain('CONFIG_ESP_TASK_WDT_CHECK_IDLE_TASK_CPU1=n');
    expect(e).toContain('CONFIG_ESP_CONSOLE_NONE=y');
    expect(e).toContain('CONFIG_PARTITION_TABLE_CUSTOM_FILENAME="partitions.csv"');
    const s3 = sdk(projects.esp32s3);
    expect(s3).toContain('CONFIG_ESPTOOLPY_FLASHSIZE_8MB=y');
    expect(s3).toContain('CONFIG_ESP32S3_DATA_CACHE_64KB=y');
    expect(s3).toContain('# CONFIG_SPIRAM is not set');
    const c3 = sdk(projects.esp32c3);
    expect(c3).toContain('CONFIG_IDF_TARGET="esp32c3"');
    expect(c3).toContain('CONFIG_ESP_DEFAULT_CPU_FREQ_MHZ_160=y');
    expect(c3).not.toContain('CPU1');
    // The clock in sdkconfig is the board file's clock_hz (the report turns cycles into ms with it).
    for (const [id, p] of Object.entries(projects))
      expect(sdk(p)).toContain(`CONFIG_ESP_DEFAULT_CPU_FREQ_MHZ_${loadBoard(id).clockHz / 1e6}=y`);
  });

  it('gives the app one partition that fits the flash, 64 KB aligned, leaving the last 64 KB free', () => {
    for (const [id, p] of Object.entries(projects)) {
      const rows = readFileSync(join(p.dir, 'partitions.csv'), 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => l.split(',').map((c) => c.trim()));
      const app = rows.find((r) => r[1] === 'app')!;
      const [offset, size] = [Number(app[3]), Number(app[4])];
      expect(offset % 0x10000).toBe(0);
      expect(offset + size).toBe(loadBoard(id).flashBytes - 0x10000);
      let end = 0x9000;
      for (const r of rows) {
        expect(Number(r[3]), `${id} ${r[0]}`).toBeGreaterThanOrEqual(end); // no overlaps, in order
        end = Number(r[3]) + Number(r[4]);
      }
    }
  });

  it('refuses a board that is not built with ESP-IDF', () => {
    const e = (() => {
      try {
        generateEspIdfProject({ board: loadBoard('mps2-an386'), model: model.gen, outDir: join(dirs[0], 'x') });
      } catch (err) {
        return err as TinyforgeError;
      }
      return null;
    })();
    expect(e?.code).toBe('not-esp-idf-board');
  });
});

describe('compile checks without ESP-IDF', () => {
  const sources = (p: EspIdfProject) => [
    ...p.portableSources.map((s) => join(p.dir, COMPONENT_DIR, s)),
    join(p.dir, 'main/main.c'),
    join(p.dir, 'main/app_main.c'),
  ];
  const includes = (p: EspIdfProject) => ['.', 'runtime', 'tfg/include'].map((d) => `-I${join(p.dir, COMPONENT_DIR, d)}`);

  it('the portable C of the project (model, kernels, runtime, main) compiles with host gcc, warnings as errors', () => {
    const p = projects.esp32;
    const objs = sources(p).map((src, i) => {
      const obj = join(p.dir, `host-${i}.o`);
      execFileSync('gcc', [...BASE_CFLAGS, ...includes(p), '-c', src, '-o', obj], { stdio: 'pipe' });
      return obj;
    });
    expect(objs.length).toBe(p.portableSources.length + 2);
    for (const o of objs) expect(statSync(o).size).toBeGreaterThan(0);
  });

  it("the ESP32-C3 project's portable C compiles with Debian riscv64-unknown-elf-gcc for rv32imc/ilp32", () => {
    const p = projects.esp32c3;
    const board = loadBoard('esp32c3');
    // Debian's RISC-V gcc has no C library: the libc-less builds' <string.h> (firmware/boards/sifive) stands in for newlib's.
    const shim = `-I${join(FIRMWARE_DIR, 'boards', 'sifive')}`;
    for (const [i, src] of sources(p).entries()) {
      const obj = join(p.dir, `c3-${i}.o`);
      execFileSync(board.compiler.command, [...BASE_CFLAGS, ...board.cflags, ...includes(p), shim, '-c', src, '-o', obj], {
        stdio: 'pipe',
      });
      const header = execFileSync('riscv64-unknown-elf-readelf', ['-h', obj], { encoding: 'utf8' });
      expect(header).toMatch(/Class:\s+ELF32/);
      expect(header).toMatch(/Machine:\s+RISC-V/);
      expect(header).toMatch(/Flags:\s+0x1, RVC, soft-float ABI/);
    }
  });
});

describe('idf.py build', () => {
  it(
    process.env.IDF_PATH
      ? 'builds with the installed ESP-IDF and writes flasher_args.json'
      : 'fails with missing-sdk naming ESP-IDF and how to install it (IDF_PATH is not set here)',
    async () => {
      const p = projects.esp32;
      if (process.env.IDF_PATH) {
        const b = await buildEspIdfProject(p);
        expect(existsSync(b.flasherArgs)).toBe(true);
        expect(JSON.parse(readFileSync(b.flasherArgs, 'utf8')).extra_esptool_args.chip).toBe('esp32');
        return;
      }
      const e = await buildEspIdfProject(p).catch((x: unknown) => x as TinyforgeError);
      expect(e).toBeInstanceOf(TinyforgeError);
      expect((e as TinyforgeError).code).toBe('missing-sdk');
      expect((e as TinyforgeError).message).toContain('ESP-IDF is not installed (IDF_PATH is not set)');
      expect((e as TinyforgeError).diagnostic.hint).toMatch(/install\.sh esp32.*export\.sh.*--image/);
    },
  );

  it('says so when IDF_PATH points at a folder that is not ESP-IDF', async () => {
    const e = await buildEspIdfProject(projects.esp32, { idfPath: dirs[0] }).catch((x: unknown) => x as TinyforgeError);
    expect((e as TinyforgeError).code).toBe('missing-sdk');
    expect((e as TinyforgeError).message).toContain('has no tools/idf.py');
  });
});
