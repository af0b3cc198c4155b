// Builds a compiled project folder into serial-link firmware for its board (build/firmware.elf) and sizes the ELF.
import { join, resolve } from 'node:path';
import { TinyforgeError } from '../diagnostics.ts';
import type { Board } from './boards.ts';
import { buildSerialFirmware, type SerialFirmware } from './serial-firmware.ts';
import type { LoadedProject } from '../codegen/project.ts';
import { modelNames } from '../codegen/model-names.ts';

export async function buildProject(project: LoadedProject, board: Board): Promise<SerialFirmware> {
  if (project.manifest.board !== board.id) {
    throw new TinyforgeError('board-mismatch', `${project.dir} was compiled for ${project.manifest.board}, not ${board.id}`, {
      location: { file: join(project.dir, 'tinyforge.json') },
      hint: `compile again with --board ${board.id}, or pass --board ${project.manifest.board}`,
    });
  }
  const dir = resolve(project.dir);
  return buildSerialFirmware(board, {
    modelSources: project.manifest.sources.map((s) => join(dir, s)),
    includeDirs: [dir, join(dir, 'tfg/include')],
    names: modelNames(project.manifest.name),
    outDir: join(dir, 'build'),
    stackBytes: project.manifest.stack?.limit_bytes,
  });
}
