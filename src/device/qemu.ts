// Starts a board's firmware under QEMU with -icount (deterministic instruction time) and the UART on a pty.
import { TinyforgeError } from '../diagnostics.ts';
import type { Board } from '../build/boards.ts';
import { startManaged, waitForLine, type ManagedProcess } from './managed-process.ts';

export interface EmulatorHandle {
  /** The pty QEMU connected the board's first UART to. */
  ptyPath: string;
  process: ManagedProcess;
  /** Stops QEMU (SIGTERM, then SIGKILL). */
  stop(): Promise<void>;
}

/** The QEMU command line for `board` running `elfPath`. */
export function qemuArgs(board: Board, elfPath: string): string[] {
  const emu = board.emulator;
  if (!emu)
    throw new TinyforgeError('no-emulator', `board ${board.id} is not emulated`, { location: { file: board.file, field: 'emulator' } });
  return [
    '-M',
    emu.machine,
    ...(emu.cpu ? ['-cpu', emu.cpu] : []),
    '-nographic',
    '-monitor',
    'none',
    // shift=k: each instruction advances the virtual clock 2^k ns, so timers count instructions exactly.
    '-icount',
    `shift=${emu.icountShift}`,
    '-serial',
    'pty',
    '-kernel',
    elfPath,
  ];
}

/** Launches QEMU and reads the pty path it prints on stderr; QEMU is killed if anything fails. */
export async function startQemu(board: Board, elfPath: string, timeoutMs = 10_000): Promise<EmulatorHandle> {
  const emu = board.emulator;
  const args = qemuArgs(board, elfPath);
  const proc = await startManaged({
    command: emu!.command,
    args,
    missing: { code: 'missing-emulator', what: 'the emulator', debianPackage: emu!.debianPackage, file: board.file },
  });
  try {
    // QEMU prints the pty line on stdout when stdout is not a terminal (stderr on a terminal).
    const m = await waitForLine(proc, 'both', /char device redirected to (\/dev\/\S+)/, timeoutMs, `${emu!.command} -M ${emu!.machine}`);
    return { ptyPath: m[1], process: proc, stop: () => proc.stop() };
  } catch (e) {
    await proc.stop();
    if (e instanceof TinyforgeError && e.code === 'process-failed') {
      throw new TinyforgeError('emulator-failed', `QEMU stopped before the board came up (${emu!.machine}, ${elfPath})`, {
        location: { file: elfPath },
        notes: e.diagnostic.notes,
        hint: "QEMU's own message is above; check the ELF was built for this board",
      });
    }
    throw e;
  }
}
