// The deploy chain the benchmarks share, through the library (never the CLI): a prepared graph → generated C in a
// temp folder → fit check → serial firmware → a running device session. The caller measures and closes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TinyforgeError } from '../src/diagnostics.ts';
import type { Graph } from '../src/ir/graph.ts';
import { loadBoard, type Board } from '../src/build/boards.ts';
import { checkFits } from '../src/build/fit-check.ts';
import { buildProject } from '../src/build/build-project.ts';
import type { ElfSize } from '../src/build/elf-size.ts';
import { generateModel } from '../src/codegen/generate.ts';
import { loadProject, writeProject, type LoadedProject } from '../src/codegen/project.ts';
import { openDevice, type DeviceSession } from '../src/device/device-session.ts';

export interface Deployed {
  board: Board;
  project: LoadedProject;
  elf: ElfSize;
  session: DeviceSession;
  /** Stops the device and removes the temp folder. */
  close(): Promise<void>;
}

export type DeployOutcome = { ok: true; deployed: Deployed } | { ok: false; status: 'does-not-fit' | 'error'; reason: string };

/** One-line reason from an error, with the diagnostic's notes (e.g. the fit check's figures). */
export function reasonOf(e: unknown): string {
  if (e instanceof TinyforgeError) {
    const d = e.diagnostic;
    return [d.message, ...(d.notes ?? [])].join('; ');
  }
  return e instanceof Error ? e.message : String(e);
}

/**
 * Generates, checks the fit, builds and starts `graph` on `boardId`. A model too big for the board comes back as
 * { ok: false, status: 'does-not-fit' } with the fit check's figures; other failures as 'error' (never thrown),
 * so one failing board does not stop a benchmark run.
 */
export async function deployToBoard(
  graph: Graph,
  boardId: string,
  info: { modelPath: string; quantization: string; compression?: unknown },
): Promise<DeployOutcome> {
  const dir = mkdtempSync(join(tmpdir(), `tfg-bench-${boardId}-`));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  let session: DeviceSession | undefined;
  try {
    const board = loadBoard(boardId);
    const generated = generateModel(graph, { board, lib: false });
    checkFits(board, { flashBytes: generated.weightBytes, ramBytes: generated.arenaBytes }, graph.name);
    const out = join(dir, 'project');
    writeProject(out, {
      graph, generated, board: board.id, modelPath: info.modelPath, quantization: info.quantization, lib: false,
      compression: info.compression ?? null, force: true,
    });
    const project = loadProject(out);
    const fw = await buildProject(project, board);
    // The linker is the final word on fit: a firmware whose sections overflow the board fails to link above.
    session = await openDevice(board, fw.elfPath);
    const s = session;
    return {
      ok: true,
      deployed: {
        board, project, elf: fw.size, session: s,
        close: async () => {
          try {
            await s.close();
          } finally {
            cleanup();
          }
        },
      },
    };
  } catch (e) {
    await session?.close().catch(() => undefined);
    cleanup();
    const tooBig = e instanceof TinyforgeError && (e.diagnostic.code === 'model-too-big' || /overflow|will not fit|region .* overflowed/i.test(reasonOf(e)));
    return { ok: false, status: tooBig ? 'does-not-fit' : 'error', reason: reasonOf(e) };
  }
}
