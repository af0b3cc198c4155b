// `tinyforge doctor`: for every board, which compiler, C library, emulator, SDK and flasher are installed (found +
// version) and what to install for the missing ones, so a user knows before a build fails.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Command } from 'commander';
import { TinyforgeError } from '../../diagnostics.ts';
import { listBoards, loadBoard, type Board } from '../../build/boards.ts';
import { espIdfInstallHint } from '../../build/esp-idf.ts';
import { printJson, table } from '../output.ts';

export interface ToolCheck {
  /** What the tool is for this board. */
  role: 'compiler' | 'libc' | 'emulator' | 'sdk' | 'flasher';
  /** Command, package or SDK name. */
  name: string;
  found: boolean;
  /** First line of its version output, or the package version. */
  version?: string;
  /** What to install when it is missing (Debian package or ESP-IDF steps). */
  install?: string;
  /** Why it matters, when it is not obvious. */
  note?: string;
}

export interface BoardCheck {
  board: string;
  /** Every tool needed to build and run on this board is present. */
  ready: boolean;
  tools: ToolCheck[];
}

const asked = new Map<string, Promise<string | null>>();

/** Runs `command args` and gives the first non-empty output line (stdout or stderr), or null when it cannot run.
 *  Asked once per command line and PATH (several boards share a compiler). */
function versionLine(command: string, args: string[]): Promise<string | null> {
  const key = `${process.env.PATH}\0${command}\0${args.join('\0')}`;
  const known = asked.get(key);
  if (known) return known;
  const answer = new Promise<string | null>((resolve) => {
    execFile(command, args, { timeout: 10_000 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return resolve(null);
      const line = `${stdout}\n${stderr}`
        .split('\n')
        .map((l) => l.trim())
        .find((l) => l.length > 0);
      resolve(line ?? (err ? null : ''));
    });
  });
  asked.set(key, answer);
  return answer;
}

async function commandCheck(role: ToolCheck['role'], command: string, install: string, versionArgs = ['--version']): Promise<ToolCheck> {
  const line = await versionLine(command, versionArgs);
  return line === null ? { role, name: command, found: false, install } : { role, name: command, found: true, version: line };
}

/** newlib for arm-none-eabi: the compiler names libc.a's full path only when the library is installed. */
async function libcCheck(board: Board): Promise<ToolCheck> {
  const pkg = board.compiler.libcDebianPackage!;
  const path = await versionLine(board.compiler.command, ['-print-file-name=libc.a']);
  const found = path !== null && path.startsWith('/');
  return found
    ? { role: 'libc', name: pkg, found, version: path! }
    : { role: 'libc', name: pkg, found, install: `sudo apt-get install ${pkg}` };
}

/** ESP-IDF: IDF_PATH set and holding tools/idf.py; its version from version.txt or the git describe it ships. */
export function espIdfCheck(target: string, env: NodeJS.ProcessEnv = process.env): ToolCheck {
  const idfPath = env.IDF_PATH;
  const base = { role: 'sdk' as const, name: 'ESP-IDF' };
  if (!idfPath || !existsSync(join(idfPath, 'tools', 'idf.py'))) {
    return {
      ...base,
      found: false,
      install: espIdfInstallHint(target),
      note: idfPath ? `IDF_PATH=${idfPath} has no tools/idf.py` : 'IDF_PATH is not set',
    };
  }
  let version = 'unknown version';
  try {
    version = readFileSync(join(idfPath, 'version.txt'), 'utf8').trim();
  } catch {
    const cmake = join(idfPath, 'tools', 'cmake', 'version.cmake');
    if (existsSync(cmake)) {
      const v = (k: string) => new RegExp(`IDF_VERSION_${k}\\s+(\\d+)`).exec(readFileSync(cmake, 'utf8'))?.[1];
      version = `v${v('MAJOR')}.${v('MINOR')}.${v('PATCH')}`;
    }
  }
  return { ...base, found: true, version: `${version} at ${idfPath}` };
}

function esptoolJsCheck(): ToolCheck {
  try {
    const pkg = createRequire(import.meta.url)('esptool-js/package.json') as { version: string };
    return { role: 'flasher', name: 'esptool-js', found: true, version: pkg.version };
  } catch {
    return { role: 'flasher', name: 'esptool-js', found: false, install: 'npm install (esptool-js is a dependency of tinyforge)' };
  }
}

/** Every check for one board. */
export async function checkBoard(board: Board): Promise<BoardCheck> {
  const tools: ToolCheck[] = [];
  if (board.family === 'esp-idf') {
    // The firmware is built by ESP-IDF's own toolchain; Debian's RISC-V gcc only does the C3 compile check.
    const sdk = espIdfCheck(board.id);
    tools.push(sdk);
    const cc = await commandCheck(
      'compiler',
      board.compiler.command,
      board.compiler.debianPackage.startsWith('none')
        ? espIdfInstallHint(board.id)
        : `sudo apt-get install ${board.compiler.debianPackage}`,
    );
    if (board.compiler.debianPackage.startsWith('none')) cc.note = 'comes with ESP-IDF (export.sh puts it on PATH)';
    else cc.note = 'for the compile check without ESP-IDF; the firmware is built by ESP-IDF';
    tools.push(cc);
  } else {
    tools.push(await commandCheck('compiler', board.compiler.command, `sudo apt-get install ${board.compiler.debianPackage}`));
    if (board.compiler.libcDebianPackage) tools.push(await libcCheck(board));
  }
  if (board.emulator) {
    tools.push(await commandCheck('emulator', board.emulator.command, `sudo apt-get install ${board.emulator.debianPackage}`));
  }
  if (board.flasher === 'esptool') tools.push(esptoolJsCheck());
  if (board.flasher === 'openocd') tools.push(await commandCheck('flasher', 'openocd', 'sudo apt-get install openocd'));
  return { board: board.id, ready: tools.filter((t) => countsForReady(board, t)).every((t) => t.found), tools };
}

/** Ready = can build and reach the board. For ESP boards without ESP-IDF, deploy can still flash a prebuilt --image;
 *  their Debian compiler only serves the compile check. */
function countsForReady(board: Board, t: ToolCheck): boolean {
  return !(board.family === 'esp-idf' && t.role === 'compiler');
}

export async function checkBoards(ids: string[] = listBoards()): Promise<BoardCheck[]> {
  return Promise.all(ids.map((id) => checkBoard(loadBoard(id))));
}

export function register(program: Command): void {
  program
    .command('doctor')
    .description('check, for every board, which compiler, C library, emulator, SDK and flasher are installed and what to install')
    .option('--board <id>', 'check one board only')
    .option('--json', 'print JSON on stdout')
    .addHelpText('after', '\nExample:\n  $ tinyforge doctor --board esp32')
    .action(async (opts: { board?: string; json?: boolean }) => {
      const checks = await checkBoards(opts.board ? [loadBoard(opts.board).id] : undefined);
      // One board asked for and not ready: exit 2, so that scripts can test for it before a build fails.
      const unready = opts.board && !checks[0]!.ready ? notReady(checks[0]!) : undefined;
      if (opts.json) {
        if (unready) throw unready;
        printJson(checks);
        return;
      }
      const rows = checks.flatMap((c) =>
        c.tools.map((t, i) => [
          i === 0 ? `${c.board}${c.ready ? '' : ' (not ready)'}` : '',
          t.role,
          t.name,
          t.found ? 'ok' : 'MISSING',
          t.found ? (t.version ?? '') : `install: ${t.install ?? '?'}`,
        ]),
      );
      process.stdout.write(table(['board', 'needs', 'tool', 'status', 'version / what to install'], rows) + '\n');
      if (unready) throw unready;
      const notReadyIds = checks.filter((c) => !c.ready).map((c) => c.board);
      process.stderr.write(notReadyIds.length ? `not ready: ${notReadyIds.join(', ')}\n` : 'every board is ready\n');
    });
}

/** The error for a board that is not ready: what is missing (as `ready` counts it) and how to install each. */
function notReady(c: BoardCheck): TinyforgeError {
  const board = loadBoard(c.board);
  const missing = c.tools.filter((t) => !t.found && countsForReady(board, t));
  return new TinyforgeError(
    'board-not-ready',
    `${c.board}: ${missing.map((t) => `${t.role} ${t.name}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`,
    {
      location: { file: board.file },
      notes: missing.map((t) => `${t.name}: ${t.install ?? 'not installed'}`),
      hint: 'install what the notes name, then run tinyforge doctor --board ' + c.board + ' again',
    },
  );
}
