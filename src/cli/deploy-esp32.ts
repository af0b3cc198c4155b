// deploy's ESP32 step for the CLI: flash through deployEsp32 with progress bars, then (unless --flash-only) open the
// same port as the link to the firmware, checking it runs the model just compiled.
import type { Board } from '../build/boards.ts';
import type { ElfSize } from '../build/elf-size.ts';
import { generateModel } from '../codegen/generate.ts';
import type { LoadedProject } from '../codegen/project.ts';
import { TinyforgeError } from '../diagnostics.ts';
import type { DeviceSession } from '../device/device-session.ts';
import { deployEsp32 } from '../device/flash/deploy-esp32.ts';
import type { FlashProgress } from '../device/flash/esp32.ts';
import { openHardwareSession } from '../device/flash/hardware-session.ts';
import { log, printJson, progress, table } from './output.ts';

export interface Esp32DeployFlags {
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

/** Flashes; returns the session and sizes to measure with, or null when --flash-only stopped after verification. */
export async function deployEsp32Step(board: Board, project: LoadedProject, outDir: string, flags: Esp32DeployFlags): Promise<{ session: DeviceSession; elf: ElfSize } | null> {
  if (!flags.port) {
    throw new TinyforgeError('missing-port', `board ${board.id} is flashed over its serial port: pass --port`, {
      location: { file: board.file, field: 'flasher' },
      hint: '`tinyforge ports` lists serial ports with their USB ids (a DevKitC shows as 10c4:ea60, CP210x)',
    });
  }
  const model = generateModel(project.graph, { board });
  const r = await deployEsp32({ board, model, modelName: project.graph.name, outDir, port: flags.port, image: flags.image, onLog: log, onProgress: flashProgress() });
  const f = r.flash;
  log(`flashed ${f.images.length} images on ${f.port} (${f.description}, MAC ${f.mac}), each verified by MD5, in ${(f.ms / 1000).toFixed(1)} s`);
  if (flags.flashOnly) {
    const summary = {
      board: board.id, port: f.port, chip: f.chip, description: f.description, mac: f.mac, flash_size: f.flashSize,
      project: r.project.dir, build: r.build, images: f.images, elf: r.elfPath ?? null, measured: false,
    };
    if (flags.json) printJson(summary);
    else process.stdout.write(table(['offset', 'bytes', 'md5 (verified)'], f.images.map((i) => [`0x${i.offset.toString(16)}`, i.bytes, i.md5])) + '\n');
    return null;
  }
  let elf = r.size;
  if (!elf) {
    log(`no app ELF beside ${r.build.flasherArgs}: flash is the app image size, static RAM is unknown (reported as 0)`);
    const app = f.images[f.images.length - 1].bytes;
    elf = { sections: [], flashBytes: app, ramBytes: 0, text: app, rodata: 0, data: 0, bss: 0 };
  }
  log(`saying hello to the firmware on ${flags.port} …`);
  const session = await openHardwareSession(board, flags.port);
  if (session.hello.modelHash !== model.hash) {
    await session.close();
    throw new TinyforgeError('image-model-mismatch', `the firmware on ${flags.port} runs model 0x${session.hello.modelHash.toString(16)}, not the compiled 0x${model.hash.toString(16)}`, {
      location: { port: flags.port, file: r.build.flasherArgs },
      hint: `the prebuilt --image holds another model: build ${r.project.dir} with idf.py build and flash that`,
    });
  }
  return { session, elf };
}
