// Which C files and flags make a board's firmware besides the model: the runtime, the board family's port and
// startup, the linker script. One list feeds both the in-process build (toolchain.ts) and the emitted Makefile.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packagePath } from '../package.ts';
import type { Board } from './boards.ts';

export const FIRMWARE_DIR = packagePath('firmware');
export const TEMPLATES_DIR = packagePath('templates');

/** Flags every build uses, before the board's own. -Wvla: stack sized at run time is an error (the stack plan could not
 *  bound it; kernels take per-layer scratch from the arena instead). */
export const BASE_CFLAGS = ['-std=c99', '-Wall', '-Wextra', '-Werror', '-Wvla', '-O2'];

export interface FirmwareFiles {
  /** Absolute paths of the runtime and board-family C files. */
  sources: string[];
  /** Absolute include directories (runtime, board family, shared kernel headers when present). */
  includeDirs: string[];
  cflags: string[];
  ldflags: string[];
}

function cFilesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.c'))
    .sort()
    .map((f) => join(dir, f));
}

/** The runtime + port files and full flags for `board` (the model's own sources are added by the caller); the
 *  linker script reserves `stackBytes` of stack (the project's planned stack; default the board's stack_bytes). */
export function firmwareFiles(board: Board, stackBytes = board.stackBytes): FirmwareFiles {
  const runtimeDir = join(FIRMWARE_DIR, 'runtime');
  const familyDir = join(FIRMWARE_DIR, 'boards', board.family);
  const includeDirs = [runtimeDir, familyDir];
  const shared = join(FIRMWARE_DIR, 'include');
  if (existsSync(shared)) includeDirs.push(shared);
  const ldflags = [...board.ldflags];
  if (board.linkerScript) {
    ldflags.unshift(
      `-T${join(familyDir, board.linkerScript)}`,
      `-L${join(FIRMWARE_DIR, 'boards', 'cortex-m')}`,
      `-Wl,--defsym=__stack_size=${stackBytes}`,
    );
  }
  return {
    sources: [...cFilesIn(runtimeDir), ...cFilesIn(familyDir)],
    includeDirs,
    cflags: [...BASE_CFLAGS, ...board.cflags],
    ldflags,
  };
}
