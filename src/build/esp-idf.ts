// ESP-IDF projects for the esp-idf boards: renders templates/esp-idf around a generated model (a `tinyforge_model`
// component holding the model, its kernels, the serial runtime and the ESP-IDF port), and runs `idf.py build` when
// ESP-IDF is installed; without it, a 'missing-sdk' error says how to install it. `compile` writes the project into
// its output folder (ESP_IDF_FOLDER); `deploy --port` builds and flashes that one.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import Handlebars from 'handlebars';
import type { GeneratedModel } from '../codegen/generate.ts';
import { TinyforgeError } from '../diagnostics.ts';
import type { Board } from './boards.ts';
import { FIRMWARE_DIR, TEMPLATES_DIR } from './firmware-files.ts';
import { renderSerialMain } from './render.ts';

/** What differs per chip in the project: target, clock, flash size, caches and PSRAM. */
export interface EspIdfChip {
  target: string;
  cpuMhz: number;
  dualCore: boolean;
  /** Where the 2nd-stage bootloader goes (ESP-IDF writes it into flasher_args.json). */
  bootloaderOffset: number;
  /** sdkconfig lines for caches and external RAM of the module the board file names. */
  memoryConfig: string[];
}

export const ESP_IDF_CHIPS: Record<string, EspIdfChip> = {
  esp32: {
    target: 'esp32',
    cpuMhz: 240,
    dualCore: true,
    bootloaderOffset: 0x1000,
    memoryConfig: ['# WROOM-32E has no PSRAM; the flash cache of the ESP32 is fixed (32 KB per core).', '# CONFIG_SPIRAM is not set'],
  },
  esp32s3: {
    target: 'esp32s3',
    cpuMhz: 240,
    dualCore: true,
    bootloaderOffset: 0x0,
    memoryConfig: [
      "# WROOM-1-N8 has no PSRAM. Largest caches: the model's weights are read through the data cache.",
      '# CONFIG_SPIRAM is not set',
      'CONFIG_ESP32S3_INSTRUCTION_CACHE_32KB=y',
      'CONFIG_ESP32S3_DATA_CACHE_64KB=y',
      'CONFIG_ESP32S3_DATA_CACHE_LINE_64B=y',
    ],
  },
  esp32c3: {
    target: 'esp32c3',
    cpuMhz: 160,
    dualCore: false,
    bootloaderOffset: 0x0,
    memoryConfig: ['# The ESP32-C3 has no PSRAM interface and a fixed 16 KB cache: nothing to set.'],
  },
};

/** The project's layout, relative to its folder. */
export const COMPONENT_DIR = 'components/tinyforge_model';
/** Where `compile` puts the ESP-IDF project inside its output folder. */
export const ESP_IDF_FOLDER = 'esp-idf';

export interface EspIdfProjectRequest {
  board: Board;
  model: GeneratedModel;
  outDir: string;
  /** UART0 baud rate of the link (CONFIG_TFG_LINK_BAUD); the host opens the port at the same rate. */
  linkBaud?: number;
  /** For the component's header comment (the graph's name). */
  modelName?: string;
}

export interface EspIdfProject {
  dir: string;
  board: Board;
  chip: EspIdfChip;
  /** Every file written, relative to `dir`, sorted. */
  files: string[];
  /** C files of the component that build anywhere (model, kernels, runtime), relative to the component folder. */
  portableSources: string[];
  /** C files of the component that need ESP-IDF (the port layer). */
  portSources: string[];
  /** The app's C files, relative to `main/`. */
  mainSources: string[];
}

function render(path: string, view: object): string {
  return Handlebars.compile(readFileSync(join(TEMPLATES_DIR, 'esp-idf', path), 'utf8'), { noEscape: true, strict: true })(view);
}

/** The chip entry for an esp-idf board; 'not-esp-idf-board' for any other. */
export function espIdfChip(board: Board): EspIdfChip {
  const chip = ESP_IDF_CHIPS[board.id];
  if (board.family !== 'esp-idf' || !chip) {
    throw new TinyforgeError('not-esp-idf-board', `board ${board.id} is not built with ESP-IDF`, {
      location: { file: board.file, field: 'family' },
      notes: [`ESP-IDF boards: ${Object.keys(ESP_IDF_CHIPS).join(', ')}`],
    });
  }
  return chip;
}

/** The ESP-IDF project for `model` on `board`: every file (relative path → content) and what it holds, unwritten. */
export function espIdfProjectFiles(req: EspIdfProjectRequest): { files: Record<string, string | Uint8Array>; project: EspIdfProject } {
  const { board, model, outDir } = req;
  const chip = espIdfChip(board);
  const files: Record<string, string | Uint8Array> = {};
  const component = (rel: string): string => `${COMPONENT_DIR}/${rel}`;

  // The model's own C and headers (not the library-mode build files, which would clash with the component's).
  for (const [rel, text] of Object.entries(model.files)) if (/\.(c|h)$/.test(rel)) files[component(rel)] = text;
  const copied: Record<string, string> = {};
  const copyDir = (from: string, to: string, ext: RegExp): string[] =>
    readdirSync(from)
      .filter((f) => ext.test(f))
      .sort()
      .map((f) => {
        copied[component(`${to}/${f}`)] = join(from, f);
        return `${to}/${f}`;
      });
  const runtime = copyDir(join(FIRMWARE_DIR, 'runtime'), 'runtime', /\.(c|h)$/).filter((f) => f.endsWith('.c'));
  const port = copyDir(join(FIRMWARE_DIR, 'boards', 'esp-idf'), 'port', /\.(c|h)$/).filter((f) => f.endsWith('.c'));
  const portableSources = [...model.sources, ...runtime];

  const hash = `0x${model.hash.toString(16).padStart(8, '0')}`;
  const flashMb = board.flashBytes / (1024 * 1024);
  const view = {
    board,
    chip: { ...chip, flashSize: `${flashMb}MB` },
    hash,
    flashMb,
    projectName: `tinyforge_${board.id.replace(/[^a-z0-9]/g, '_')}`,
    linkBaud: req.linkBaud ?? 115200,
    // From 0x10000 to the flash end, less the last 64 KB (kept free for the hardware test's scratch writes).
    appSize: `0x${(board.flashBytes - 0x20000).toString(16)}`,
    modelName: (req.modelName ?? 'model').replace(/[^\w .-]/g, '_'),
    arenaBytes: model.arenaBytes,
    portableSources,
    portSources: port,
    includeDirs: ['.', 'runtime'],
    privateIncludeDirs: ['tfg/include', 'port'],
  };
  files['CMakeLists.txt'] = render('CMakeLists.txt.hbs', view);
  files['sdkconfig.defaults'] = render('sdkconfig.defaults.hbs', view);
  files['partitions.csv'] = render('partitions.csv.hbs', view);
  files['main/CMakeLists.txt'] = render('main/CMakeLists.txt.hbs', view);
  files['main/main.c'] = renderSerialMain(board, model.names);
  files['main/app_main.c'] = render('main/app_main.c.hbs', view);
  files[component('CMakeLists.txt')] = render('component/CMakeLists.txt.hbs', view);
  files[component('Kconfig')] = render('component/Kconfig.hbs', view);

  for (const [rel, from] of Object.entries(copied)) files[rel] = readFileSync(from);
  return {
    files,
    project: {
      dir: outDir,
      board,
      chip,
      files: Object.keys(files).sort(),
      portableSources,
      portSources: port,
      mainSources: ['main.c', 'app_main.c'],
    },
  };
}

/** Writes the ESP-IDF project for `model` on `board` into `outDir` and returns what it holds. */
export function generateEspIdfProject(req: EspIdfProjectRequest): EspIdfProject {
  const { files, project } = espIdfProjectFiles(req);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(req.outDir, rel)), { recursive: true });
    writeFileSync(join(req.outDir, rel), content);
  }
  return project;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
}

/** The ESP-IDF project `compile` wrote in `dir` (its build/ folder, if any, left out); undefined when there is none. */
export function loadEspIdfProject(dir: string, board: Board): EspIdfProject | undefined {
  const component = join(dir, COMPONENT_DIR);
  if (!existsSync(join(dir, 'CMakeLists.txt')) || !existsSync(join(component, 'CMakeLists.txt'))) return undefined;
  const chip = espIdfChip(board);
  const files = walk(dir)
    .map((f) => relative(dir, f))
    .filter((f) => !f.startsWith('build/'))
    .sort();
  const inComponent = files
    .filter((f) => f.startsWith(`${COMPONENT_DIR}/`) && f.endsWith('.c'))
    .map((f) => f.slice(COMPONENT_DIR.length + 1));
  return {
    dir,
    board,
    chip,
    files,
    portableSources: inComponent.filter((f) => !f.startsWith('port/')),
    portSources: inComponent.filter((f) => f.startsWith('port/')),
    mainSources: files.filter((f) => f.startsWith('main/') && f.endsWith('.c')).map((f) => f.slice('main/'.length)),
  };
}

/** How to get ESP-IDF, for the 'missing-sdk' hint and `tinyforge doctor`. */
export function espIdfInstallHint(target = 'esp32'): string {
  return (
    'install ESP-IDF 5.x (not a Debian package): git clone -b v5.2.2 --recursive https://github.com/espressif/esp-idf.git ~/esp/esp-idf; ' +
    `~/esp/esp-idf/install.sh ${target}; then in each shell: . ~/esp/esp-idf/export.sh (sets IDF_PATH and the toolchain PATH)`
  );
}

/** 'missing-sdk': ESP-IDF is needed and absent; the hint says how to install it, or how to flash a build made elsewhere. */
export function missingSdk(message: string, board: Board, notes: string[] = []): TinyforgeError {
  return new TinyforgeError('missing-sdk', message, {
    location: { file: board.file, field: 'family' },
    notes,
    hint: `${espIdfInstallHint(board.id)}; or flash a build made elsewhere with --image <ESP-IDF build folder holding flasher_args.json>`,
  });
}

export const noIdfMessage = (board: Board): string => `ESP-IDF is not installed (IDF_PATH is not set): cannot build for ${board.id}`;

export interface EspIdfBuildOptions {
  /** Default: the IDF_PATH environment variable. */
  idfPath?: string;
  timeoutMs?: number;
}

export interface EspIdfBuild {
  buildDir: string;
  /** build/flasher_args.json: the images and offsets the esptool flasher writes. */
  flasherArgs: string;
  command: string[];
  output: string;
}

/** The idf.py command line for a project (the ESP-IDF Python environment's interpreter when export.sh set it). */
export function idfBuildCommand(project: EspIdfProject, idfPath: string): string[] {
  const venv = process.env.IDF_PYTHON_ENV_PATH;
  const python = venv && existsSync(join(venv, 'bin', 'python')) ? join(venv, 'bin', 'python') : 'python3';
  return [
    python,
    join(idfPath, 'tools', 'idf.py'),
    '-C',
    project.dir,
    '-B',
    join(project.dir, 'build'),
    `-DIDF_TARGET=${project.chip.target}`,
    'build',
  ];
}

/** Runs `idf.py build`; 'missing-sdk' without ESP-IDF, 'build-failed' with idf.py's own output when it fails. */
export async function buildEspIdfProject(project: EspIdfProject, opts: EspIdfBuildOptions = {}): Promise<EspIdfBuild> {
  const idfPath = opts.idfPath ?? process.env.IDF_PATH;
  if (!idfPath) throw missingSdk(noIdfMessage(project.board), project.board);
  if (!existsSync(join(idfPath, 'tools', 'idf.py'))) {
    throw missingSdk(`IDF_PATH is ${idfPath}, which has no tools/idf.py: it is not an ESP-IDF checkout`, project.board);
  }
  const command = idfBuildCommand(project, idfPath);
  const buildDir = join(project.dir, 'build');
  const output = await new Promise<string>((resolve, reject) => {
    execFile(
      command[0],
      command.slice(1),
      { timeout: opts.timeoutMs ?? 900_000, maxBuffer: 64 << 20, env: { ...process.env, IDF_PATH: idfPath } },
      (err, stdout, stderr) => {
        if (err) {
          const tail = `${stdout}\n${stderr}`.trimEnd().split('\n').slice(-40).join('\n');
          reject(
            new TinyforgeError('build-failed', `idf.py build failed for ${project.board.id} in ${project.dir}`, {
              location: { file: join(project.dir, 'CMakeLists.txt') },
              notes: [tail || err.message],
              hint: `idf.py's own message is above; \`. ${join(idfPath, 'export.sh')}\` sets up its Python environment and toolchain`,
            }),
          );
          return;
        }
        resolve(`${stdout}${stderr}`);
      },
    );
  });
  const flasherArgs = join(buildDir, 'flasher_args.json');
  if (!existsSync(flasherArgs)) {
    throw new TinyforgeError('build-failed', `idf.py build finished but wrote no ${flasherArgs}`, { location: { file: buildDir } });
  }
  return { buildDir, flasherArgs, command, output };
}
