// `tinyforge flash`: builds a compiled project's firmware and puts it on the board (QEMU: boots it; real boards:
// esptool or OpenOCD over --port, verified), then says hello.
import type { Command } from 'commander';
import { loadBoard, type Board } from '../../build/boards.ts';
import type { LoadedProject } from '../../codegen/project.ts';
import type { DeviceSession } from '../../device/device-session.ts';
import { log, printJson } from '../output.ts';

interface FlashFlags {
  board: string;
  json?: boolean;
  port?: string;
  image?: string;
  hello?: boolean;
}

export function register(program: Command): void {
  program
    .command('flash')
    .description("build a compiled folder's firmware, load it on the board (or its emulator) and check the hello")
    .argument('<dir>', 'a folder written by `tinyforge compile`')
    .requiredOption('--board <id>', 'target board (must match the one it was compiled for)')
    .option('--port <path>', 'serial port of a real board (esp32*, nucleo-f446re); `tinyforge ports` lists them')
    .option('--image <dir>', 'ESP boards: flash this prebuilt ESP-IDF build folder (flasher_args.json) instead of building')
    .option('--no-hello', 'real boards: stop after writing and verifying the flash')
    .option('--json', 'print the hello and the firmware size on stdout')
    .addHelpText(
      'after',
      '\nExample:\n  $ tinyforge flash out/lenet --board mps2-an386\n  $ tinyforge flash out/lenet --board esp32 --port /dev/ttyUSB0',
    )
    .action(async (dir: string, opts: FlashFlags) => {
      const { loadProject } = await import('../../codegen/project.ts');
      const { isHardwareFlasher } = await import('../../build/boards.ts');
      const board = loadBoard(opts.board);
      const project = loadProject(dir);
      const opened = isHardwareFlasher(board) ? await flashHardware(board, project, dir, opts) : await bootEmulated(board, project);
      if (!opened) return; // --no-hello: deployHardwareStep printed what it flashed
      const { session, elf, flashBytes, ramBytes } = opened;
      try {
        const hello = session.hello;
        if (hello.modelHash !== project.manifest.hash) {
          log(
            `warning: the device reports model hash ${hello.modelHash.toString(16)}, the folder has ${project.manifest.hash.toString(16)}`,
          );
        }
        if (opts.json) printJson({ board: board.id, port: opts.port ?? null, elf, flash_bytes: flashBytes, ram_bytes: ramBytes, hello });
        else
          process.stdout.write(
            `${board.id}: hello from "${hello.boardId}", protocol v${hello.protocolVersion}, model ${hello.modelHash.toString(16)}, ` +
              `arena ${hello.arenaBytes} B, input ${hello.inputBytes} B, output ${hello.outputBytes} B, ${hello.numLayers} layers\n`,
          );
      } finally {
        await session.close();
      }
    });
}

interface Opened {
  session: DeviceSession;
  elf: string | null;
  flashBytes: number;
  ramBytes: number;
}

async function bootEmulated(board: Board, project: LoadedProject): Promise<Opened> {
  const { buildProject } = await import('../../build/build-project.ts');
  const { openDevice } = await import('../../device/device-session.ts');
  const fw = await buildProject(project, board);
  log(
    `built ${fw.elfPath}: ${fw.size.flashBytes.toLocaleString('en-US')} B flash, ${fw.size.ramBytes.toLocaleString('en-US')} B static RAM`,
  );
  return { session: await openDevice(board, fw.elfPath), elf: fw.elfPath, flashBytes: fw.size.flashBytes, ramBytes: fw.size.ramBytes };
}

/** The same flashing step as `deploy` (esptool-js / OpenOCD, verified), without the measurement. */
async function flashHardware(board: Board, project: LoadedProject, dir: string, opts: FlashFlags): Promise<Opened | null> {
  const { deployHardwareStep } = await import('../deploy-hardware.ts');
  const step = await deployHardwareStep(board, project, dir, {
    port: opts.port,
    image: opts.image,
    flashOnly: opts.hello === false,
    json: opts.json,
  });
  if (!step) return null;
  return { session: step.session, elf: null, flashBytes: step.elf.flashBytes, ramBytes: step.elf.ramBytes };
}
