// The "openocd" flasher named by boards/nucleo-f446re.json: `openocd -f <interface> -f <target> -c "program <elf>
// verify reset exit"` through the board's ST-LINK, with OpenOCD's own output in every error.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { Board } from '../../build/boards.ts';
import { TinyforgeError } from '../../diagnostics.ts';

/** The `openocd` object of a board file: config scripts from OpenOCD's search path (/usr/share/openocd/scripts). */
export interface OpenOcdConfig {
  interface: string;
  target: string;
}

export interface FlashOpenOcdOptions {
  board: Board;
  elfPath: string;
  /** The probe's serial number, when several ST-LINKs are plugged in (`adapter serial`). */
  adapterSerial?: string;
  /** SWD clock in kHz (`adapter speed`); OpenOCD's target script default when absent. */
  adapterSpeedKhz?: number;
  /** Default 'openocd'. */
  command?: string;
  timeoutMs?: number;
}

export interface OpenOcdResult {
  command: string[];
  output: string;
  ms: number;
}

/** Reads the board file's `openocd` field (the Board schema does not carry it); errors name the file and field. */
export function openocdConfig(board: Board): OpenOcdConfig {
  const raw = JSON.parse(readFileSync(board.file, 'utf8')) as { openocd?: Partial<OpenOcdConfig> };
  const cfg = raw.openocd;
  if (!cfg || typeof cfg.interface !== 'string' || typeof cfg.target !== 'string' || !cfg.interface || !cfg.target) {
    throw new TinyforgeError('bad-board-file', `board ${board.id} is flashed with openocd but has no "openocd": {"interface", "target"}`, {
      location: { file: board.file, field: 'openocd' },
      hint: 'see boards/nucleo-f446re.json: "openocd": {"interface": "interface/stlink.cfg", "target": "target/stm32f4x.cfg"}',
    });
  }
  return { interface: cfg.interface, target: cfg.target };
}

/** OpenOCD's arguments. The ELF path goes in Tcl braces so spaces survive; braces in it cannot be quoted, so refuse. */
export function openocdArgs(opts: FlashOpenOcdOptions): string[] {
  if (/[{}]/.test(opts.elfPath)) {
    throw new TinyforgeError('bad-firmware-path', `openocd cannot be given a path containing { or }: ${opts.elfPath}`, {
      location: { file: opts.elfPath },
      hint: 'build into a folder whose path has no braces',
    });
  }
  const cfg = openocdConfig(opts.board);
  const args = ['-f', cfg.interface];
  if (opts.adapterSerial) args.push('-c', `adapter serial ${opts.adapterSerial}`);
  args.push('-f', cfg.target);
  if (opts.adapterSpeedKhz) args.push('-c', `adapter speed ${opts.adapterSpeedKhz}`);
  args.push('-c', `program {${opts.elfPath}} verify reset exit`);
  return args;
}

/** Picks the error for a failed run from OpenOCD's own words. */
function explain(output: string, opts: FlashOpenOcdOptions, command: string[]): TinyforgeError {
  const tail = output.trimEnd().split('\n').slice(-25).join('\n');
  const where = { file: opts.elfPath, field: 'flasher' };
  const notes = [`$ ${command.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ')}`, tail];
  if (/verify failed|checksum mismatch|contents differ/i.test(output)) {
    return new TinyforgeError('flash-verify-failed', `the flash of ${opts.board.id} does not match ${opts.elfPath} after programming`, {
      location: where,
      notes,
      hint: 'flash again; if it repeats, erase the chip (openocd ... -c "init; reset halt; stm32f4x mass_erase 0; exit") and retry',
    });
  }
  if (
    /open failed|unable to open|no device found|LIBUSB_ERROR|init mode failed|Error connecting DP|Target not examined|unable to connect/i.test(
      output,
    )
  ) {
    return new TinyforgeError('openocd-no-probe', `OpenOCD cannot reach the ${opts.board.id} through its ST-LINK`, {
      location: where,
      notes,
      hint: "plug the board's ST-LINK USB port in with a data cable; on Linux install the udev rules (sudo cp /usr/share/openocd/contrib/60-openocd.rules /etc/udev/rules.d/ && sudo udevadm control --reload) and replug; close other debuggers (STM32CubeIDE, st-util)",
    });
  }
  return new TinyforgeError('flash-failed', `openocd failed to program ${opts.board.id}`, {
    location: where,
    notes,
    hint: "OpenOCD's own message is above",
  });
}

/** Programs, verifies and resets the board; 'missing-toolchain' names Debian's openocd package when it is absent. */
export async function flashWithOpenOcd(opts: FlashOpenOcdOptions): Promise<OpenOcdResult> {
  if (!existsSync(opts.elfPath)) {
    throw new TinyforgeError('missing-firmware', `no firmware at ${opts.elfPath}`, {
      location: { file: opts.elfPath },
      hint: 'build it first (`tinyforge compile`)',
    });
  }
  const cmd = opts.command ?? 'openocd';
  const args = openocdArgs(opts);
  const command = [cmd, ...args];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: opts.timeoutMs ?? 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      // OpenOCD logs on stderr; keep both streams in order of importance.
      const output = `${stdout}${stderr}`;
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(
          new TinyforgeError('missing-toolchain', `the flasher "${cmd}" for board ${opts.board.id} is not installed`, {
            location: { file: opts.board.file, field: 'flasher' },
            hint: 'install it: sudo apt-get install openocd',
          }),
        );
        return;
      }
      if (err) {
        reject(explain(output, opts, command));
        return;
      }
      resolve({ command, output, ms: performance.now() - started });
    });
  });
}
