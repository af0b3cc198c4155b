// `tinyforge boards`: the boards tinyforge can target, with memory, clock, how they run and how latency is counted.
import type { Command } from 'commander';
import { listBoards, loadBoard } from '../../build/boards.ts';
import { printJson, table } from '../output.ts';

export function register(program: Command): void {
  program
    .command('boards')
    .description('list the boards: cpu, flash, RAM, clock, how firmware runs there and the latency unit')
    .option('--json', 'print JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ tinyforge boards --json')
    .action((opts: { json?: boolean }) => {
      const boards = listBoards().map((id) => loadBoard(id));
      if (opts.json) {
        printJson(
          boards.map((b) => ({
            id: b.id,
            name: b.name,
            cpu: b.cpu,
            flash_bytes: b.flashBytes,
            ram_bytes: b.ramBytes,
            clock_hz: b.clockHz,
            kernels: b.kernels,
            flasher: b.flasher,
            emulated: b.emulator !== undefined,
            latency_unit: b.cycleCounter.unit,
          })),
        );
        return;
      }
      process.stdout.write(
        table(
          ['board', 'cpu', 'flash', 'RAM', 'clock MHz', 'runs on', 'latency in', 'name'],
          boards.map((b) => [
            b.id,
            b.cpu,
            `${Math.round(b.flashBytes / 1024)} KB`,
            `${Math.round(b.ramBytes / 1024)} KB`,
            b.clockHz ? String(b.clockHz / 1e6) : '-',
            b.emulator ? `QEMU ${b.emulator.machine}` : b.flasher,
            b.cycleCounter.unit,
            b.name,
          ]),
        ) + '\n',
      );
    });
}
