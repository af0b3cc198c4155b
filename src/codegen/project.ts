// A compiled project folder: generated C, the deployed IR graph and a manifest, written atomically so a failed
// compile never leaves half a folder, and never over a folder the user wrote without --force.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
  type Dirent,
  type Stats,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { checkOutputPath, removeStaleTemps, tempSibling, writeError } from '../safe-write.ts';
import { TinyforgeError } from '../diagnostics.ts';
import type { Graph } from '../ir/graph.ts';
import { graphToJson, loadIrJson } from '../ir/serialize.ts';
import { validateGraph } from '../ir/validate.ts';
import type { GeneratedModel } from './generate.ts';
import type { LayerKernel } from './op-emitter.ts';
import { arenaBuffers, type ArenaBuffer } from './memory-planner.ts';
import { DEFAULT_MODEL_ID, modelNames } from './model-names.ts';
import type { WeightFlash } from '../packing/flash-bytes.ts';

export const MANIFEST = 'tinyforge.json';
export const GRAPH_FILE = 'model.tfir.json';

export interface ProjectManifest {
  tool: 'tinyforge';
  board: string;
  model: { name: string; path: string };
  /** The `--name` id the generated files and symbols carry; absent for the default (model-names.ts). */
  name?: string;
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
  /** The arena plan codegen placed the tensors and kernel scratch by (report.json's arena timeline). Absent in
   *  projects of older versions. */
  arena_buffers?: ArenaBuffer[];
  /** Layers whose kernel `--tune` chose (or `--kernels-from` gave) instead of the board's: node name → kernel set and
   *  kernel function; absent when every layer takes the board's. */
  layer_kernels?: Record<string, LayerKernel>;
  /** What `--tune` measured: each candidate set's instructions per layer on the board (or its emulator). */
  tuning?: KernelTuning;
  /** Layers run inside another: convs fused into the MaxPool reading them (src/codegen/conv-pool.ts), conv node → pool
   *  node, and the layers of banded chains (src/codegen/band-chain.ts), node → the chain's last node. Their layer has no
   *  output of its own (the layer hook gets none) and its time counts in that layer's. Absent when nothing was fused
   *  (`--no-fuse`, or no such layers). */
  fused?: Record<string, string>;
  lib: boolean;
  /** How the library is packaged (library mode): cmake, esp-idf, zephyr, platformio or arduino. */
  lib_format?: string;
  compression: unknown;
  /** The serial firmware's stack (absent in library mode and in projects of older versions). */
  stack?: ManifestStack;
  /** `--stream`: the streaming form (`<id>_step` per frame, `<id>_run` = reset + `steps` steps); absent otherwise. */
  stream?: ManifestStream;
  /** ESP boards: the folder (relative to this one) holding the ESP-IDF project for `idf.py build`. */
  esp_idf?: string;
  /** Every file compile wrote here, relative to the folder: a recompile replaces and removes only these (and what
   *  builds and reports wrote since), never a file the user put beside them. Absent in projects of older versions. */
  files?: string[];
}

/** The streaming form of a project compiled with `--stream`. */
export interface ManifestStream {
  /** Frames of the sequence `<id>_run` feeds step by step. */
  steps: number;
  /** Bytes of one frame, `<id>_step`'s input. */
  step_input_bytes: number;
  /** The recurrent state kept between steps, in its own static buffer (not in the arena). */
  state_bytes: number;
}

/** `--tune`'s measurements, kept so the choice can be checked and repeated without measuring again. */
export interface KernelTuning {
  board: string;
  /** Candidate build → per-layer instructions (one inference, --profile-layers); null where that layer's output differed
   *  from the reference, or the layer had no such candidate (never chosen). A kernel set's name is the build with each
   *  layer on the set's own kernel; "<set> #k" the one with each layer that has a k-th choice under the set on it. */
  layers: Record<string, (number | null)[]>;
  /** Candidate build → the kernel function each layer ran on (null where `layers` has no figure for it). */
  kernels: Record<string, (string | null)[]>;
  /** The node names the figures are for, in layer order. */
  nodes: string[];
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
  /** The model's run function and below: what a firmware embedding the model needs for it. */
  model_bytes: number | null;
  reason?: string;
}

/** What later steps write into a project folder (the firmware build, deploy's reports): tinyforge's too. */
export const BUILD_FOLDER = 'build';
export const REPORT_FILES = ['report.json', 'report.html'] as const;

/** Every file under `dir`/`rel`, relative to `dir` ('/'-separated); symlinks are listed, never followed. */
function filesUnder(dir: string, rel = ''): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(join(dir, rel), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const p = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? filesUnder(dir, p) : [p];
  });
}

/** The files of `dir` that tinyforge wrote: those its manifest lists (a manifest of an older version lists its
 *  sources only, so the fixed names of a project are added), and what builds and reports wrote since. */
function ownedFiles(dir: string, manifest: Partial<ProjectManifest>): Set<string> {
  const listed = Array.isArray(manifest.files)
    ? manifest.files.filter((f): f is string => typeof f === 'string')
    : [...(Array.isArray(manifest.sources) ? manifest.sources : []), 'model.h', GRAPH_FILE, MANIFEST, ...filesUnder(dir, 'tfg')];
  const espIdf = typeof manifest.esp_idf === 'string' ? manifest.esp_idf : undefined;
  const later = [BUILD_FOLDER, ...(espIdf ? [`${espIdf}/build`] : [])].flatMap((d) => filesUnder(dir, d));
  const present = new Set(filesUnder(dir));
  return new Set([...listed, ...REPORT_FILES, ...later].filter((f) => present.has(f)));
}

type FolderState = { kind: 'absent' } | { kind: 'empty' } | { kind: 'ours'; owned: Set<string> } | { kind: 'foreign'; entries: string[] };

function folderState(dir: string): FolderState {
  if (!existsSync(dir)) return { kind: 'absent' };
  const entries = readdirSync(dir);
  if (entries.length === 0) return { kind: 'empty' };
  if (!entries.includes(MANIFEST)) return { kind: 'foreign', entries };
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'));
  } catch {
    return { kind: 'foreign', entries };
  }
  const m = manifest as Partial<ProjectManifest> | null;
  if (!m || typeof m !== 'object' || m.tool !== 'tinyforge') return { kind: 'foreign', entries };
  return { kind: 'ours', owned: ownedFiles(dir, m) };
}

export interface OutputDirOptions {
  force: boolean;
  /** What the command reads (model, recipe, dataset): the output may neither be nor hold any of them. */
  inputs?: (string | undefined)[];
}

/** Refuses, before any work, an output folder that is empty-named, holds an input, is a file, or is not empty and
 *  not written by tinyforge (unless --force, which still never replaces a file tinyforge did not write). */
export function checkOutputDir(dir: string, opts: OutputDirOptions): void {
  checkOutputPath(dir, 'folder', { flag: '-o', inputs: opts.inputs });
  const state = folderState(dir);
  if (state.kind !== 'foreign' || opts.force) return;
  throw new TinyforgeError(
    'output-exists',
    `${dir} is not empty and was not written by tinyforge (${state.entries.length} entries, no ${MANIFEST})`,
    {
      location: { file: dir },
      hint: 'choose another folder with -o/--out, or pass --force to add the project beside its files (none of them is replaced)',
    },
  );
}

/**
 * Writes `files` (relative path → content) as the project in `dir`. Everything is written to a temporary sibling
 * first, so a failure leaves the old output whole. A new folder is then renamed into place; into an existing one
 * each file is renamed over tinyforge's old one, and the old files tinyforge wrote that the new project does not
 * have are removed. A file tinyforge did not write is never replaced or removed: a name clash stops the write.
 */
export function writeFolderAtomically(dir: string, files: Record<string, string | Uint8Array>, opts: OutputDirOptions): void {
  checkOutputDir(dir, opts);
  const state = folderState(dir);
  const owned = state.kind === 'ours' ? state.owned : new Set<string>();
  const abs = resolve(dir);
  if (state.kind !== 'absent') {
    const clashes = Object.keys(files).flatMap((rel) => {
      const parts = rel.split('/');
      // The file itself, or a file where one of its folders goes.
      for (let i = 1; i <= parts.length; i++) {
        const p = parts.slice(0, i).join('/');
        const s = statSyncOrNull(join(abs, p));
        if (!s) return [];
        if (i < parts.length ? !s.isDirectory() : !owned.has(p)) return [p];
      }
      return [];
    });
    if (clashes.length > 0) {
      const unique = [...new Set(clashes)].sort();
      throw new TinyforgeError(
        'output-collision',
        `${dir} already holds ${unique.length} file${unique.length > 1 ? 's' : ''} tinyforge did not write, where the project goes`,
        {
          location: { file: dir },
          notes: unique.slice(0, 10).map((f) => `${f}${statSyncOrNull(join(abs, f))?.isDirectory() ? '/' : ''}`),
          hint: 'move or rename these files, or choose another folder with -o/--out; tinyforge never replaces a file it did not write',
        },
      );
    }
  }
  removeStaleTemps(abs);
  const tmp = tempSibling(abs);
  rmSync(tmp, { recursive: true, force: true });
  try {
    for (const [rel, content] of Object.entries(files)) {
      const p = join(tmp, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
    }
    if (state.kind === 'absent') {
      mkdirSync(dirname(abs), { recursive: true });
      renameSync(tmp, abs);
      return;
    }
    // Into an existing folder (maybe the current one): file by file, so the folder itself and the user's files stay.
    for (const rel of Object.keys(files)) {
      mkdirSync(dirname(join(abs, rel)), { recursive: true });
      renameSync(join(tmp, rel), join(abs, rel));
    }
    for (const rel of owned) if (!Object.hasOwn(files, rel)) rmSync(join(abs, rel), { force: true });
    removeEmptyFolders(abs, owned);
  } catch (e) {
    throw writeError(e, dir, '-o');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function statSyncOrNull(p: string): Stats | null {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
}

/** Folders that held only removed files of tinyforge's, deepest first; a folder with anything else in it stays. */
function removeEmptyFolders(dir: string, removed: Set<string>): void {
  const folders = new Set<string>();
  for (const f of removed) for (let p = dirname(f); p !== '.' && p !== ''; p = dirname(p)) folders.add(p);
  for (const f of [...folders].sort((a, b) => b.length - a.length)) {
    try {
      if (readdirSync(join(dir, f)).length === 0) rmdirSync(join(dir, f));
    } catch {
      // gone already, or not a folder
    }
  }
}

export function writeProject(
  dir: string,
  args: {
    graph: Graph;
    generated: GeneratedModel;
    board: string;
    modelPath: string;
    quantization: string;
    lib: boolean;
    libFormat?: string;
    compression: unknown;
    force: boolean;
    /** What the command read (model, recipe, dataset): never overwritten, never inside the output. */
    inputs?: (string | undefined)[];
    stack?: ManifestStack;
    /** More files to write with the project (relative path → content), e.g. the ESP-IDF project. */
    extraFiles?: Record<string, string | Uint8Array>;
    espIdf?: string;
    layerKernels?: Record<string, LayerKernel>;
    tuning?: KernelTuning;
  },
): ProjectManifest {
  const gen = args.generated;
  const files: Record<string, string | Uint8Array> = { ...gen.files, ...args.extraFiles, [GRAPH_FILE]: graphToJson(args.graph) };
  const manifest: ProjectManifest = {
    tool: 'tinyforge',
    board: args.board,
    model: { name: args.graph.name, path: args.modelPath },
    ...(gen.names.id !== DEFAULT_MODEL_ID ? { name: gen.names.id } : {}),
    quantization: args.quantization,
    hash: gen.hash,
    sources: gen.sources,
    arena_bytes: gen.arenaBytes,
    arena_naive_bytes: gen.naiveBytes,
    arena_lower_bound_bytes: gen.lowerBound,
    weight_bytes: gen.weightBytes,
    weight_arrays: gen.weightArrays,
    kernels: gen.kernels,
    arena_buffers: arenaBuffers(args.graph, gen.plan),
    ...(args.layerKernels && Object.keys(args.layerKernels).length > 0 ? { layer_kernels: args.layerKernels } : {}),
    ...(args.tuning ? { tuning: args.tuning } : {}),
    ...(Object.keys(gen.fused).length > 0 ? { fused: gen.fused } : {}),
    lib: args.lib,
    ...(args.libFormat ? { lib_format: args.libFormat } : {}),
    compression: args.compression,
    ...(args.stack ? { stack: args.stack } : {}),
    ...(gen.stream
      ? { stream: { steps: gen.stream.steps, step_input_bytes: gen.stream.stepInputBytes, state_bytes: gen.stream.stateBytes } }
      : {}),
    ...(args.espIdf ? { esp_idf: args.espIdf } : {}),
    files: [...Object.keys(files), MANIFEST].sort(),
  };
  files[MANIFEST] = JSON.stringify(manifest, null, 2) + '\n';
  writeFolderAtomically(dir, files, { force: args.force, inputs: args.inputs });
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
  let manifest: ProjectManifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as ProjectManifest;
  } catch (e) {
    throw badManifest(file, `it is not readable JSON (${(e as Error).message})`);
  }
  checkManifest(manifest, file);
  const graphFile = join(dir, GRAPH_FILE);
  if (!existsSync(graphFile)) throw badManifest(file, `the deployed graph ${GRAPH_FILE} beside it is missing`);
  const graph = loadIrJson(graphFile);
  validateGraph(graph, graphFile);
  return { dir, manifest, graph };
}

function badManifest(file: string, why: string): TinyforgeError {
  return new TinyforgeError('bad-manifest', `${file} is not a tinyforge manifest: ${why}`, {
    location: { file },
    hint: 'compile the project again with `tinyforge compile <model> --board <id> -o <dir>`',
  });
}

/** The fields later steps read (board, sources, hash, sizes) with the types they expect. */
function checkManifest(m: unknown, file: string): asserts m is ProjectManifest {
  if (!m || typeof m !== 'object' || Array.isArray(m)) throw badManifest(file, 'it is not a JSON object');
  const r = m as Record<string, unknown>;
  if (r.tool !== 'tinyforge') throw badManifest(file, 'its "tool" is not "tinyforge"');
  if (typeof r.board !== 'string') throw badManifest(file, '"board" is not a string');
  if (r.name !== undefined) {
    try {
      if (typeof r.name !== 'string') throw new Error();
      modelNames(r.name);
    } catch {
      throw badManifest(file, '"name" is not a model id (a lower-case C identifier)');
    }
  }
  if (!Array.isArray(r.sources) || !r.sources.every((s) => typeof s === 'string' && !s.startsWith('/') && !s.split('/').includes('..'))) {
    throw badManifest(file, '"sources" is not a list of paths inside the folder');
  }
  for (const k of ['hash', 'arena_bytes', 'weight_bytes'] as const) {
    if (typeof r[k] !== 'number' || !Number.isFinite(r[k])) throw badManifest(file, `"${k}" is not a number`);
  }
}
