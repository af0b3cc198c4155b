// `tinyforge worker`: serves sweep and test jobs from a BullMQ queue in Redis on this host: emulated boards, and the
// real boards attached here (each --board with its --port).
import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { TinyforgeError } from '../../diagnostics.ts';
import { log } from '../output.ts';

const collect = (v: string, all: string[] = []): string[] => [...all, v];

function wholeNumber(flag: string, min: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new TinyforgeError('bad-argument', `--${flag} ${v}: must be a whole number ≥ ${min}`, {
        hint: `e.g. --${flag} ${Math.max(min, 1)}`,
      });
    return n;
  };
}

interface WorkerFlags {
  queue: string;
  board: string[];
  port: string[];
  concurrency?: number;
  lockSeconds: number;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('run sweep and test jobs from a Redis queue on this host: emulated boards, and the real boards attached here')
    .requiredOption('--queue <redis-url>', 'the BullMQ queue in Redis, e.g. redis://lab:6379')
    .option('--board <id>', 'a real board attached here (repeat for several; each needs its --port, in the same order)', collect, [])
    .option('--port <path>', 'the serial port of the --board before it', collect, [])
    .option(
      '--concurrency <n>',
      'emulated jobs at once (default: one per core; 0 serves only the real boards)',
      wholeNumber('concurrency', 0),
    )
    .option(
      '--lock-seconds <s>',
      'a job whose worker has not renewed its lock for this long is given to another worker',
      wholeNumber('lock-seconds', 1),
      30,
    )
    .option('--json', 'print one JSON line per finished job on stdout')
    .addHelpText(
      'after',
      `
Example:
  $ tinyforge worker --queue redis://lab:6379                                  # emulated boards, one job per core
  $ tinyforge worker --queue redis://lab:6379 --board nucleo-f446re --port /dev/ttyACM0 --concurrency 0`,
    )
    .action(async (opts: WorkerFlags) => {
      if (opts.board.length !== opts.port.length) {
        throw new TinyforgeError(
          'bad-argument',
          `${opts.board.length} --board but ${opts.port.length} --port: each real board needs its serial port`,
          { hint: 'e.g. --board nucleo-f446re --port /dev/ttyACM0' },
        );
      }
      const { loadBoard } = await import('../../build/boards.ts');
      for (const b of opts.board) {
        const board = loadBoard(b);
        if (board.flasher !== 'esptool' && board.flasher !== 'openocd') {
          throw new TinyforgeError(
            'bad-argument',
            `--board ${b} is not a real board (it runs under ${board.flasher}): every worker serves emulated boards already`,
            { location: { file: board.file }, hint: 'give --board only for boards attached to this host' },
          );
        }
      }
      const { startWorker } = await (await import('../../sweep/load-redis-queue.ts')).loadRedisQueue();
      const concurrency = opts.concurrency ?? availableParallelism();
      const boards = opts.board.map((board, i) => ({ board, port: opts.port[i] }));
      const worker = await startWorker({
        url: opts.queue,
        boards,
        concurrency,
        lockMs: opts.lockSeconds * 1000,
        onNote: log,
        onDone: (job, r) => {
          if (opts.json)
            process.stdout.write(
              JSON.stringify({ job: job.id, name: job.name, status: r.status, worker: r.worker, wall_ms: r.wall_ms }) + '\n',
            );
        },
      });
      log(
        `worker on ${opts.queue}: ${concurrency > 0 ? `emulated boards, ${concurrency} at once` : 'no emulated boards'}${boards.length ? `; ${boards.map((b) => `${b.board} on ${b.port}`).join(', ')}` : ''} (Ctrl-C finishes the jobs in hand, then stops)`,
      );
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (sig: NodeJS.Signals) => {
          if (stopping) process.exit(sig === 'SIGINT' ? 130 : 143);
          stopping = true;
          log(`${sig}: finishing the jobs in hand (again to stop at once)`);
          void worker.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        void worker.idle.then(resolve);
      });
    });
}
