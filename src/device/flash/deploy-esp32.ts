// The ESP32 leg of `deploy`: the ESP-IDF project `compile` wrote (or one generated here for a model) → `idf.py build`
// (or, without ESP-IDF, a prebuilt build folder given with --image) → esptool-js flash with MD5 verification.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Board } from '../../build/boards.ts';
import { elfSize, type ElfSize } from '../../build/elf-size.ts';
import {
  buildEspIdfProject,
  ESP_IDF_FOLDER,
  espIdfChip,
  generateEspIdfProject,
  missingSdk,
  noIdfMessage,
  type EspIdfProject,
} from '../../build/esp-idf.ts';
import type { GeneratedModel } from '../../codegen/generate.ts';
import { TinyforgeError } from '../../diagnostics.ts';
import type { FlashEsp32Result, FlashProgress } from './esp32.ts';
import { flashWithEsptool } from './esptool.ts';
import type { SerialportWebSerial } from './serialport-webserial.ts';

export interface DeployEsp32Options {
  board: Board;
  /** The ESP-IDF project to build (what `compile` wrote); without it one is generated for `model`. */
  project?: EspIdfProject;
  model?: GeneratedModel;
  /** The graph's name, for the component's header comment. */
  modelName?: string;
  /** A generated ESP-IDF project is written to `<outDir>/esp-idf`. */
  outDir: string;
  /** The board's serial port (or an adapter already built, in tests). */
  port: string | SerialportWebSerial;
  /** A prebuilt ESP-IDF build folder (or its flasher_args.json) to flash instead of building. */
  image?: string;
  /** Default: the IDF_PATH environment variable. */
  idfPath?: string;
  baudRate?: number;
  connectAttempts?: number;
  /** Steps in words ("skipping idf.py build: …"), for the CLI's log. */
  onLog?: (line: string) => void;
  onProgress?: (p: FlashProgress) => void;
}

export interface DeployEsp32Result {
  project: EspIdfProject;
  /** How the image came to be: built here by idf.py, or a prebuilt folder flashed as it is. */
  build: { kind: 'idf.py' | 'prebuilt'; flasherArgs: string };
  flash: FlashEsp32Result;
  /** The app ELF next to flasher_args.json, when there is one (ESP-IDF build folders have it). */
  elfPath?: string;
  /** Flash and static RAM of that ELF. */
  size?: ElfSize;
}

/** `--image` may name the build folder or its flasher_args.json. */
function flasherArgsOf(image: string): string {
  const path = existsSync(image) && statSync(image).isDirectory() ? join(image, 'flasher_args.json') : image;
  if (!existsSync(path)) {
    throw new TinyforgeError('esp-flasher-args', `no flasher_args.json at ${path}`, {
      location: { file: path },
      hint: '--image takes an ESP-IDF build folder (the one holding flasher_args.json after `idf.py build`)',
    });
  }
  return resolve(path);
}

/** The app ELF of an ESP-IDF build folder: project_description.json's app_elf, else the only *.elf there. */
export function findAppElf(buildDir: string): string | undefined {
  try {
    const desc = JSON.parse(readFileSync(join(buildDir, 'project_description.json'), 'utf8')) as { app_elf?: string };
    if (desc.app_elf && existsSync(join(buildDir, desc.app_elf))) return join(buildDir, desc.app_elf);
  } catch {
    // not an ESP-IDF folder, or an older one: look for the ELF itself
  }
  const elves = readdirSync(buildDir).filter((f) => f.endsWith('.elf'));
  return elves.length === 1 ? join(buildDir, elves[0]) : undefined;
}

export async function deployEsp32(opts: DeployEsp32Options): Promise<DeployEsp32Result> {
  const { board } = opts;
  espIdfChip(board);
  let project = opts.project;
  if (project) opts.onLog?.(`ESP-IDF project: ${project.dir} (${project.files.length} files, written by compile)`);
  else {
    if (!opts.model) throw new Error('deployEsp32 needs a project or a model');
    project = generateEspIdfProject({ board, model: opts.model, outDir: join(opts.outDir, ESP_IDF_FOLDER), modelName: opts.modelName });
    opts.onLog?.(`wrote the ESP-IDF project ${project.dir} (${project.files.length} files)`);
  }
  const idfPath = opts.idfPath ?? process.env.IDF_PATH;
  let build: DeployEsp32Result['build'];
  if (opts.image) {
    const flasherArgs = flasherArgsOf(opts.image);
    opts.onLog?.(
      idfPath
        ? `flashing the prebuilt image in ${dirname(flasherArgs)} as asked (--image); the generated project is not built`
        : `ESP-IDF is not installed (IDF_PATH is not set): skipping idf.py build; flashing the prebuilt image in ${dirname(flasherArgs)} — it holds whatever model it was built with`,
    );
    build = { kind: 'prebuilt', flasherArgs };
  } else if (idfPath) {
    opts.onLog?.(`building with ESP-IDF at ${idfPath} (idf.py build) …`);
    const b = await buildEspIdfProject(project, { idfPath });
    build = { kind: 'idf.py', flasherArgs: b.flasherArgs };
  } else {
    // The project folder is already written, ready for a build once ESP-IDF is there.
    throw missingSdk(noIdfMessage(board), board, [
      `the ESP-IDF project is ready in ${project.dir}: run \`idf.py build\` there once ESP-IDF is installed`,
    ]);
  }
  const flash = await flashWithEsptool({
    board: board.id,
    flasherArgs: build.flasherArgs,
    port: opts.port,
    baudRate: opts.baudRate,
    connectAttempts: opts.connectAttempts,
    onProgress: opts.onProgress,
    onLog: undefined,
  });
  const elfPath = findAppElf(dirname(build.flasherArgs));
  return { project, build, flash, elfPath, size: elfPath ? elfSize(elfPath) : undefined };
}
