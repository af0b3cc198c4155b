// A compiled project folder: generated C, the deployed IR graph and a manifest, written atomically so a failed
// compile never leaves half a folder, and never over a folder the user wrote without --force.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { TinyforgeError } from '../diagnostics.ts';
import type { Graph } from '../ir/graph.ts';
import { graphToJson, loadIrJson } from '../ir/serialize.ts';
import type { GeneratedModel } from './generate.ts';
import type { WeightFlash } from '../packing/flash-bytes.ts';

export const MANIFEST = 'tinyforge.json';
export const GRAPH_FILE = 'model.tfir.json';

export interface ProjectManifest {
  tool: 'tinyforge';
  board: string;
  model: { name: string; path: string };
  quantization: string;
  hash: number;
  sources: string[];
  arena_bytes: number;
  arena_naive_bytes: number;
  arena_lower_bound_bytes: number;
  weight_bytes: number;
  /** Each constant in flash (bytes, deployed format, kernel layout bytes), as generateModel emitted it. */
  weight_arrays: WeightFlash[];
  kernels: string[];
  lib: boolean;
  compression: unknown;
  /** The serial firmware's stack (absent in library mode and in projects of older versions). */
  stack?: ManifestStack;
  /** ESP boards: the folder (relative to this one) holding the ESP-IDF project for `idf.py build`. */
  esp_idf?: string;
}

/** The stack the build reserves: planned from the compiler's frames (src/build/stack-plan.ts), or the board's. */
export interface ManifestStack {
  /** Deepest stack the firmware can use; null when not planned (reason says why). */
  planned_bytes: number | null;
  /** The region the linker script reserves (guard words included). */
  limit_bytes: number;
  /** Deepest call chain, "function frame-bytes", outermost first. */
  chain: string[];
  interrupt_bytes: number | null;
  /** tfg_model_run and below: what a firmware embedding the model needs for it. */
  model_bytes: number | null;
  reason?: string;
}

/** Refuses to replace a folder that tinyforge did not write, unless forced. */
export function checkOutputDir(dir: string, force: boolean): void {
  if (!existsSync(dir)) return;
  const entries = readdirSync(dir);
  if (entries.length === 0 || force || entries.includes(MANIFEST)) return;
  throw new TinyforgeError('output-exists', `${dir} exists and was not written by tinyforge (${entries.length} entries)`, {
    location: { file: dir },
    hint: 'choose another folder with -o/--out, or pass --force to replace it',
  });
}

/** Writes `files` into `dir` through a temporary sibling folder renamed into place at the end. */
export function writeFolderAtomically(dir: string, files: Record<string, string | Uint8Array>, force: boolean): void {
  checkOutputDir(dir, force);
  const abs = resolve(dir);
  mkdirSync(dirname(abs), { recursive: true });
  const tmp = join(dirname(abs), `.${basename(abs)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    for (const [rel, content] of Object.entries(files)) {
      const p = join(tmp, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
    }
    const old = existsSync(abs) ? `${tmp}-old` : null;
    if (old) renameSync(abs, old);
    renameSync(tmp, abs);
    if (old) rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

export function writeProject(
  dir: string,
  args: {
    graph: Graph; generated: GeneratedModel; board: string; modelPath: string; quantization: string; lib: boolean; compression: unknown; force: boolean;
    stack?: ManifestStack;
    /** More files to write with the project (relative path → content), e.g. the ESP-IDF project. */
    extraFiles?: Record<string, string | Uint8Array>;
    espIdf?: string;
  },
): ProjectManifest {
  const gen = args.generated;
  const manifest: ProjectManifest = {
    tool: 'tinyforge',
    board: args.board,
    model: { name: args.graph.name, path: args.modelPath },
    quantization: args.quantization,
    hash: gen.hash,
    sources: gen.sources,
    arena_bytes: gen.arenaBytes,
    arena_naive_bytes: gen.naiveBytes,
    arena_lower_bound_bytes: gen.lowerBound,
    weight_bytes: gen.weightBytes,
    weight_arrays: gen.weightArrays,
    kernels: gen.kernels,
    lib: args.lib,
    compression: args.compression,
    ...(args.stack ? { stack: args.stack } : {}),
    ...(args.espIdf ? { esp_idf: args.espIdf } : {}),
  };
  writeFolderAtomically(dir, { ...gen.files, ...args.extraFiles, [GRAPH_FILE]: graphToJson(args.graph), [MANIFEST]: JSON.stringify(manifest, null, 2) + '\n' }, args.force);
  return manifest;
}

export interface LoadedProject {
  dir: string;
  manifest: ProjectManifest;
  graph: Graph;
}

export function loadProject(dir: string): LoadedProject {
  const file = join(dir, MANIFEST);
  if (!existsSync(file)) {
    throw new TinyforgeError('not-a-project', `${dir} is not a tinyforge compile output (no ${MANIFEST})`, {
      location: { file: dir },
      hint: 'create one with `tinyforge compile <model> --board <id> -o <dir>`',
    });
  }
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as ProjectManifest;
  return { dir, manifest, graph: loadIrJson(join(dir, GRAPH_FILE)) };
}
