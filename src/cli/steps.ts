// The stages `compile`, `flash`, `eval --board` and `deploy` share: prepare the graph (load, compress, quantize),
// generate and write the project, build it, start the device. Each step reads the previous step's output only.
import { existsSync, readFileSync } from 'node:fs';
import { TinyforgeError } from '../diagnostics.ts';
import type { Graph } from '../ir/graph.ts';
import { loadModel } from '../import/index.ts';
import { loadDataset, type Dataset } from '../data/dataset.ts';
import { applyPreprocess, parsePreprocess } from '../data/preprocess.ts';
import { carriedCompression, compressionOf, runPipeline, type Compression, type Recipe } from '../compress/pipeline.ts';
import { createLog } from '../compress/pass.ts';
import { loadBoard, type Board } from '../build/boards.ts';
import { checkFits } from '../build/fit-check.ts';
import { generateModel } from '../codegen/generate.ts';
import { checkOutputDir, writeProject, type ProjectManifest } from '../codegen/project.ts';
import { formatDiagnostic } from '../diagnostics.ts';
import { log } from './output.ts';

export interface PrepareOptions {
  modelPath: string;
  /** 'int8' or 'none'. */
  quantize: string;
  /** A preset name or a recipe JSON file, run before quantization. */
  compress?: string;
  /** Dataset for calibration (and for passes that train). */
  dataset?: string;
  calibrationSamples: number;
  /** Command-line preprocessing (`--input-scale 1/255 --mean 0.1307 --std 0.3081`), over what the model file says. */
  preprocess?: PreprocessFlags;
}

export interface PreprocessFlags {
  inputScale?: string;
  mean?: string;
  std?: string;
}

/** Loads a model and applies preprocessing flags; a flag left out keeps the model file's own value. */
export async function loadModelWithPreprocess(modelPath: string, flags: PreprocessFlags = {}): Promise<Graph> {
  const g = await loadModel(modelPath);
  if (flags.inputScale === undefined && flags.mean === undefined && flags.std === undefined) return g;
  const given = parsePreprocess({ scale: flags.inputScale, mean: flags.mean, std: flags.std });
  const own = g.metadata.preprocess;
  g.metadata.preprocess = {
    scale: flags.inputScale !== undefined ? given.scale : own?.scale ?? 1,
    mean: flags.mean !== undefined ? given.mean : own?.mean ?? [0],
    std: flags.std !== undefined ? given.std : own?.std ?? [1],
  };
  return g;
}

/** The original float model of a loaded one: itself, or for a graph compressed earlier (a .tfir.json carrying its
 *  steps) the model file its recipe started from, when that file is recorded and still here; else why not. */
export async function originalFloatModel(loaded: Graph, flags: PreprocessFlags = {}): Promise<{ graph: Graph } | { note: string }> {
  const carried = carriedCompression(loaded);
  if (!carried) return { graph: loaded };
  const path = carried.input.path;
  if (!path || path.toLowerCase().endsWith('.tfir.json')) return { note: 'the compressed model does not record the float model it came from' };
  if (!existsSync(path)) return { note: `the float model it came from (${path}) is not here` };
  return { graph: await loadModelWithPreprocess(path, flags) };
}

export interface PreparedModel {
  floatGraph: Graph;
  graph: Graph;
  compression: Compression;
  quantization: string;
}

/** A preset name, or a path to a JSON recipe file (an array of steps or `{ "steps": [...] }`). */
export function loadRecipe(spec: string): Recipe | string {
  if (!spec.endsWith('.json')) return spec;
  if (!existsSync(spec)) throw new TinyforgeError('file-not-found', `recipe file ${spec} does not exist`, { location: { file: spec } });
  try {
    const raw = JSON.parse(readFileSync(spec, 'utf8')) as Recipe | { steps: Recipe };
    return Array.isArray(raw) ? raw : raw.steps;
  } catch (e) {
    throw new TinyforgeError('bad-recipe', `recipe file is not valid JSON: ${(e as Error).message}`, { location: { file: spec } });
  }
}

/** Recipe steps whose output is already an int8 graph. */
const INT8_STEPS = new Set(['quantize-int8', 'qat-int8', 'int4']);

function isQuantized(g: Graph): boolean {
  return Object.values(g.tensors).some((t) => t.dtype === 'i8');
}

/** Calibration inputs (the first n preprocessed training samples) and the whole training split for passes that
 *  fine-tune (test split for evaluation-only folders, which have no training split). */
async function passData(g: Graph, datasetName: string, n: number): Promise<{ data: Dataset; calibration: Record<string, Float32Array>[] }> {
  let data: Dataset;
  try {
    data = await loadDataset(datasetName, { split: 'train' });
  } catch (e) {
    if (!(e instanceof TinyforgeError)) throw e;
    data = await loadDataset(datasetName, { split: 'test' });
  }
  const input = g.tensors[g.inputs[0]];
  const channels = input.shape.length === 4 ? input.shape[3] : 1;
  const calibration = [];
  for (let i = 0; i < Math.min(n, data.size); i++) calibration.push({ [g.inputs[0]]: applyPreprocess(data.get(i).x, g.metadata.preprocess, channels) });
  return { data, calibration };
}

export async function prepareModel(opts: PrepareOptions): Promise<PreparedModel> {
  const floatGraph = await loadModelWithPreprocess(opts.modelPath, opts.preprocess);
  const recipe: Recipe = [];
  if (opts.compress) {
    const r = loadRecipe(opts.compress);
    recipe.push(...(typeof r === 'string' ? (await import('../compress/pipeline.ts')).resolveRecipe(r) : r));
  }
  // Steps that leave an int8 graph themselves; after any other recipe (binary, deep-compression …) --quantize int8 adds
  // quantize-int8, which keeps binary and clustered weights as they are stored (in int8).
  const wantsInt8 = opts.quantize === 'int8' && !isQuantized(floatGraph) && !recipe.some((s) => INT8_STEPS.has(s.step));
  if (wantsInt8) recipe.push({ step: 'quantize-int8' });
  if (opts.quantize !== 'int8' && opts.quantize !== 'none') {
    throw new TinyforgeError('bad-argument', `--quantize ${opts.quantize} is not known`, { hint: 'use --quantize int8 or --quantize none' });
  }
  let compression: Compression = compressionOf(floatGraph); // a .tfir.json's carried steps, or none
  let graph = floatGraph;
  if (recipe.length > 0) {
    if (!opts.dataset) {
      throw new TinyforgeError('bad-argument', 'compression and int8 quantization need data to calibrate on', { hint: 'pass --dataset mnist (or a folder of samples), or --quantize none' });
    }
    const { calibration, data } = await passData(floatGraph, opts.dataset, opts.calibrationSamples);
    let last = '';
    const plog = createLog((m) => {
      if (m !== last) log(`  ${m}`);
      last = m;
    });
    const r = await runPipeline(floatGraph, recipe, { data: { calibration, dataset: data } as never, log: plog });
    for (const d of plog.diagnostics) log(formatDiagnostic(d));
    graph = r.ir;
    compression = r.compression;
  }
  const quantization = isQuantized(graph) ? 'int8' : 'float32';
  return { floatGraph, graph, compression, quantization };
}

export interface CompileOptions extends PrepareOptions {
  boardId: string;
  outDir: string;
  force: boolean;
  lib: boolean;
}

export interface CompiledModel extends PreparedModel {
  board: Board;
  manifest: ProjectManifest;
}

export async function compileModel(opts: CompileOptions): Promise<CompiledModel> {
  const board = loadBoard(opts.boardId);
  checkOutputDir(opts.outDir, opts.force); // before any work: refuse early, lose nothing
  const prepared = await prepareModel(opts);
  const generated = generateModel(prepared.graph, { board, lib: opts.lib });
  // The fit check runs before any build: weights and code estimate for flash, arena for RAM.
  checkFits(board, { flashBytes: generated.weightBytes, ramBytes: generated.arenaBytes }, prepared.graph.name);
  const manifest = writeProject(opts.outDir, {
    graph: prepared.graph,
    generated,
    board: board.id,
    modelPath: opts.modelPath,
    quantization: prepared.quantization,
    lib: opts.lib,
    compression: prepared.compression,
    force: opts.force,
  });
  return { ...prepared, board, manifest };
}

/** out/<model>-<board>; a file named model.* takes its folder's name (examples/mnist-cnn/model.onnx → mnist-cnn). */
export function defaultOutDir(modelPath: string, boardId: string): string {
  const parts = modelPath.split(/[\\/]/).filter(Boolean);
  let name = (parts.at(-1) ?? 'model').replace(/\.tfir\.json$|\.[^.]+$/i, '');
  if (name === 'model' && parts.length > 1) name = parts.at(-2)!;
  return `out/${name}-${boardId}`;
}
