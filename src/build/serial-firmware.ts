// Builds the serial-link firmware for a board: the rendered serial main + the model's C files + runtime + port.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Board } from './boards.ts';
import { elfSize, type ElfSize } from './elf-size.ts';
import { renderSerialMain } from './render.ts';
import { buildFirmware } from './toolchain.ts';
import type { ModelNames } from '../codegen/model-names.ts';

export interface SerialFirmwareRequest {
  /** model.c, kernels … (absolute paths). */
  modelSources: string[];
  /** Must contain the model's header. */
  includeDirs: string[];
  /** The model's names (`--name`); default: a model compiled without one. */
  names?: ModelNames;
  outDir: string;
  extraCflags?: string[];
  extraLdflags?: string[];
  /** Stack the linker script reserves; default the board's stack_bytes. */
  stackBytes?: number;
}

export interface SerialFirmware {
  elfPath: string;
  mainPath: string;
  size: ElfSize;
  command: string[];
}

export async function buildSerialFirmware(board: Board, req: SerialFirmwareRequest): Promise<SerialFirmware> {
  mkdirSync(req.outDir, { recursive: true });
  const mainPath = join(req.outDir, 'main.c');
  writeFileSync(mainPath, renderSerialMain(board, req.names));
  const r = await buildFirmware({
    board,
    sources: [mainPath, ...req.modelSources],
    includeDirs: req.includeDirs,
    output: join(req.outDir, 'firmware.elf'),
    extraCflags: req.extraCflags,
    extraLdflags: req.extraLdflags,
    stackBytes: req.stackBytes,
  });
  return { elfPath: r.elfPath, mainPath, size: elfSize(r.elfPath), command: r.command };
}
