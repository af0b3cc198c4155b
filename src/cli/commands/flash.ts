// `tinyforge flash`: builds a compiled project's firmware and puts it on the board (QEMU: boots it), then says hello.
import type { Command } from 'commander';
import { loadBoard } from '../../build/boards.ts';
import { buildProject } from '../../build/build-project.ts';
import { loadProject } from '../../codegen/project.ts';
import { openDevice } from '../../device/device-session.ts';
import { log, printJson } from '../output.ts';

export function register(program: Command): void {
  program
    .command('flash')
    .description("build a compiled folder's firmware, load it on the board (or its emulator) and check the hello")
    .argument('<dir>', 'a folder written by `tinyforge compile`')
    .requiredOption('--board <id>', 'target board (must match the one it was compiled for)')
    .option('--json', 'print the hello and the firmware size on stdout')
    .addHelpText('after', '\nExample:\n  $ tinyforge flash out/lenet --board mps2-an386')
    .action(async (dir: string, opts: { board: string; json?: boolean }) => {
      const board = loadBoard(opts.board);
      const project = loadProject(dir);
      const fw = await buildProject(project, board);
      log(`built ${fw.elfPath}: ${fw.size.flashBytes.toLocaleString('en-US')} B flash, ${fw.size.ramBytes.toLocaleString('en-US')} B static RAM`);
      const session = await openDevice(board, fw.elfPath);
      try {
        const hello = session.hello;
        if (hello.modelHash !== project.manifest.hash) {
          log(`warning: the device reports model hash ${hello.modelHash.toString(16)}, the folder has ${project.manifest.hash.toString(16)}`);
        }
        if (opts.json) printJson({ board: board.id, elf: fw.elfPath, flash_bytes: fw.size.flashBytes, ram_bytes: fw.size.ramBytes, hello });
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
