// Drives the board's C compiler: compile + link in one call, the compiler's own message on failure, and the
// Debian package to install when the compiler is missing.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { TinyforgeError } from '../diagnostics.ts';
import type { Board } from './boards.ts';
import { firmwareFiles } from './firmware-files.ts';

export interface BuildRequest {
  board: Board;
  /** The program's own C files (model.c, main.c, kernels …); the runtime and port are added unless `bare`. */
  sources: string[];
  includeDirs?: string[];
  /** Where the ELF goes. */
  output: string;
  extraCflags?: string[];
  extraLdflags?: string[];
  /** Build only `sources` with the board's flags (no runtime/port), e.g. for a library test program. */
  bare?: boolean;
  /** Milliseconds before the compiler is stopped. */
  timeoutMs?: number;
  /** Stack the linker script reserves (the project's planned stack); default the board's stack_bytes. */
  stackBytes?: number;
}

export interface BuildResult {
  elfPath: string;
  /** The exact command line, for logs and the Makefile. */
  command: string[];
  /** Compiler warnings (empty with -Werror unless the board adds flags). */
  stderr: string;
}

/** The command `buildFirmware` runs, without running it. */
export function buildCommand(req: BuildRequest): string[] {
  const fw = firmwareFiles(req.board, req.stackBytes);
  const includes = [...(req.includeDirs ?? []), ...(req.bare ? [] : fw.includeDirs)];
  const sources = [...req.sources, ...(req.bare ? [] : fw.sources)];
  const ldflags = req.bare ? req.board.ldflags.filter((f) => !f.startsWith('-nostartfiles')) : fw.ldflags;
  return [
    req.board.compiler.command,
    ...fw.cflags,
    ...(req.extraCflags ?? []),
    ...includes.map((d) => `-I${d}`),
    ...sources,
    '-o',
    req.output,
    ...ldflags,
    ...(req.extraLdflags ?? []),
  ];
}

/** Compiles and links; throws 'missing-toolchain' or 'build-failed' (with the compiler's message word for word). */
export async function buildFirmware(req: BuildRequest): Promise<BuildResult> {
  const command = buildCommand(req);
  mkdirSync(dirname(req.output), { recursive: true });
  const { board } = req;
  return new Promise((resolve, reject) => {
    execFile(command[0], command.slice(1), { timeout: req.timeoutMs ?? 120_000, maxBuffer: 16 << 20 }, (err, _stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(
          new TinyforgeError('missing-toolchain', `the C compiler "${board.compiler.command}" for board ${board.id} is not installed`, {
            location: { file: board.file, field: 'compiler.command' },
            hint: `install it: sudo apt-get install ${[board.compiler.debianPackage, board.compiler.libcDebianPackage].filter(Boolean).join(' ')}`,
          }),
        );
        return;
      }
      if (err) {
        const missingLibc = /nano\.specs|stdint\.h: No such file/.test(stderr);
        reject(
          new TinyforgeError('build-failed', `${board.compiler.command} failed building for board ${board.id}`, {
            location: { file: req.sources[0] },
            notes: [stderr.trimEnd() || String(err.message)],
            hint:
              missingLibc && board.compiler.libcDebianPackage
                ? `the C library is missing: sudo apt-get install ${board.compiler.libcDebianPackage}`
                : 'the compiler message above names the file and line',
          }),
        );
        return;
      }
      resolve({ elfPath: req.output, command, stderr });
    });
  });
}
