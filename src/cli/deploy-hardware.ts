// deploy's step for boards on real hardware: ESP32 (ESP-IDF + esptool-js through deployEsp32, with progress bars) and
// OpenOCD boards (build + program + verify); then, unless --flash-only, the board's serial port becomes the link,
// checked to run the model just compiled.
import { join } from 'node:path';
import type { Board } from '../build/boards.ts';
import type { ElfSize } from '../build/elf-size.ts';
import { loadEspIdfProject } from '../build/esp-idf.ts';
import { generateModel } from '../codegen/generate.ts';
import type { LoadedProject } from '../codegen/project.ts';
import { TinyforgeError } from '../diagnostics.ts';
import type { DeviceSession } from '../device/device-session.ts';
import { buildProject } from '../build/build-project.ts';
import { deployEsp32 } from '../device/flash/deploy-esp32.ts';
import { flashWithOpenOcd } from '../device/flash/openocd.ts';
import type { FlashProgress } from '../device/flash/esp32.ts';
import { openHardwareSession } from '../device/flash/hardware-session.ts';
import { log, printJson, progress, table } from './output.ts';

export interface HardwareDeployFlags {
  port?: string;
  image?: string;
  flashOnly?: boolean;
  json?: boolean;
}

/** One progress bar per image being written. */
function flashProgress(): (p: FlashProgress) => void {
  let bar: ((done: number, total: number) => void) | null = null;
  let image = -1;
  return (p) => {
    if (p.stage !== 'write') {
      if (p.stage !== 'verify') log(`  ${p.stage} …`);
      return;
    }
    if (p.image !== image) {
      image = p.image ?? 0;
      bar = progress(`  write 0x${(p.offset ?? 0).toString(16)}`);
    }
    bar?.(p.sent ?? 0, p.total ?? 0);
  };
}

type Step = { session: DeviceSession; elf: ElfSize } | null;

/** Flashes; returns the session and sizes to measure with, or null when --flash-only stopped after verification. */
export async function deployHardwareStep(board: Board, project: LoadedProject, outDir: string, flags: HardwareDeployFlags): Promise<Step> {
  if (!flags.port) {
    throw new TinyforgeError('missing-port', `board ${board.id} talks to tinyforge over its serial port: pass --port`, {
      location: { file: board.file, field: 'flasher' },
      hint: "`tinyforge ports` lists serial ports with their USB ids (a DevKitC shows as 10c4:ea60, CP210x; a Nucleo's ST-LINK as 0483:374b)",
    });
  }
  return board.flasher === 'openocd'
    ? openocdStep(board, project, flags.port, flags)
    : esp32Step(board, project, outDir, flags.port, flags);
}

async function openocdStep(board: Board, project: LoadedProject, port: string, flags: HardwareDeployFlags): Promise<Step> {
  log('building firmware …');
  const fw = await buildProject(project, board);
  log(`programming ${board.id} with OpenOCD (program … verify reset exit) …`);
  const r = await flashWithOpenOcd({ board, elfPath: fw.elfPath });
  log(`programmed and verified ${fw.elfPath} in ${(r.ms / 1000).toFixed(1)} s`);
  if (flags.flashOnly) {
    if (flags.json) printJson({ board: board.id, port, elf: fw.elfPath, command: r.command, measured: false });
    return null;
  }
  log(`saying hello to the firmware on ${port} …`);
  return { session: await openHardwareSession(board, port), elf: fw.size };
}

async function esp32Step(board: Board, project: LoadedProject, outDir: string, port: string, flags: HardwareDeployFlags): Promise<Step> {
  const espProject = project.manifest.esp_idf ? loadEspIdfProject(join(project.dir, project.manifest.esp_idf), board) : undefined;
  const model = espProject
    ? undefined
    : generateModel(project.graph, {
        board,
        name: project.manifest.name,
        stream: project.manifest.stream !== undefined,
        fuse: project.manifest.fused !== undefined,
      });
  const hash = model?.hash ?? project.manifest.hash;
  const r = await deployEsp32({
    board,
    project: espProject,
    model,
    modelName: project.graph.name,
    outDir,
    port,
    image: flags.image,
    onLog: log,
    onProgress: flashProgress(),
  });
  const f = r.flash;
  log(
    `flashed ${f.images.length} images on ${f.port} (${f.description}, MAC ${f.mac}), each verified by MD5, in ${(f.ms / 1000).toFixed(1)} s`,
  );
  if (flags.flashOnly) {
    const summary = {
      board: board.id,
      port: f.port,
      chip: f.chip,
      description: f.description,
      mac: f.mac,
      flash_size: f.flashSize,
      project: r.project.dir,
      build: r.build,
      images: f.images,
      elf: r.elfPath ?? null,
      measured: false,
    };
    if (flags.json) printJson(summary);
    else
      process.stdout.write(
        table(
          ['offset', 'bytes', 'md5 (verified)'],
          f.images.map((i) => [`0x${i.offset.toString(16)}`, i.bytes, i.md5]),
        ) + '\n',
      );
    return null;
  }
  let elf = r.size;
  if (!elf) {
    log(`no app ELF beside ${r.build.flasherArgs}: flash is the app image size, static RAM is unknown (reported as 0)`);
    const app = f.images[f.images.length - 1].bytes;
    elf = { sections: [], flashBytes: app, ramBytes: 0, text: app, rodata: 0, data: 0, bss: 0 };
  }
  log(`saying hello to the firmware on ${port} …`);
  const session = await openHardwareSession(board, port);
  if (session.hello.modelHash !== hash) {
    await session.close();
    throw new TinyforgeError(
      'image-model-mismatch',
      `the firmware on ${port} runs model 0x${session.hello.modelHash.toString(16)}, not the compiled 0x${hash.toString(16)}`,
      {
        location: { port, file: r.build.flasherArgs },
        hint: `the prebuilt --image holds another model: build ${r.project.dir} with idf.py build and flash that`,
      },
    );
  }
  return { session, elf };
}
