// The stages `compile`, `flash`, `eval --board` and `deploy` share: prepare the graph (load, compress, quantize),
// generate and write the project, build it, start the device. Each step reads the previous step's output only.
import { existsSync, readFileSync } from 'node:fs';
import { checkRecipeJson } from '../compress/recipe-check.ts';
import { join } from 'node:path';
import { TinyforgeError } from '../diagnostics.ts';
import type { Graph } from '../ir/graph.ts';
import { loadModel } from '../import/index.ts';
import { parsePreprocess } from '../data/preprocess.ts';
import { predictedClass, sampleInput } from '../reference/model-input.ts';
import { runGraph } from '../reference/interpreter.ts';
import {
  carriedCompression,
  compressionOf,
  passes,
  presetFor,
  resolveRecipe,
  runPipeline,
  type Compression,
  type Recipe,
} from '../compress/pipeline.ts';
import { createLog } from '../compress/pass.ts';
import { loadBoard, type Board } from '../build/boards.ts';
import { checkFits } from '../build/fit-check.ts';
import { ESP_IDF_FOLDER, espIdfProjectFiles } from '../build/esp-idf.ts';
import { planStack, STACK_GUARD_BYTES, type StackPlan, type UnplannedStack } from '../build/stack-plan.ts';
import { generateModel, type GeneratedModel } from '../codegen/generate.ts';
import { libraryPackage, type LibExample } from '../codegen/lib-package.ts';
import type { LibFormat } from '../codegen/lib-formats.ts';
import { checkOutputDir, writeProject, type KernelTuning, type ManifestStack, type ProjectManifest } from '../codegen/project.ts';
import type { KernelSet, LayerKernel } from '../codegen/op-emitter.ts';
import { formatDiagnostic } from '../diagnostics.ts';
import { log, phaseProgress } from './output.ts';
import { cachedCompression, type CachedCompression } from './compression-cache.ts';
import { passData } from './pass-data.ts';
import { loadDatasetFor, type DatasetFlags } from './dataset-options.ts';

export interface PrepareOptions extends DatasetFlags {
  modelPath: string;
  /** The model already loaded with its preprocessing (loadModelWithPreprocess), so it is not read twice. */
  model?: Graph;
  /** 'int8' or 'none'. */
  quantize: string;
  /** A preset name or a recipe JSON file, run before quantization. */
  compress?: string;
  /** Samples int8 ranges are calibrated on (every calibrating step that does not set its own count). */
  calibrationSamples: number;
  /** Command-line preprocessing (`--input-scale 1/255 --mean 0.1307 --std 0.3081`), over what the model file says. */
  preprocess?: PreprocessFlags;
  /** false: compute the compression even when the cache holds it (--no-cache). */
  cache?: boolean; /** --stream: generate the streaming form (codegen/stream-form.ts); int8 quantization then keeps GRU/LSTM in float. */
  stream?: boolean;
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
    scale: flags.inputScale !== undefined ? given.scale : (own?.scale ?? 1),
    mean: flags.mean !== undefined ? given.mean : (own?.mean ?? [0]),
    std: flags.std !== undefined ? given.std : (own?.std ?? [1]),
  };
  return g;
}

/** The original float model of a loaded one: itself, or for a graph compressed earlier (a .tfir.json carrying its
 *  steps) the model file its recipe started from, when that file is recorded and still here; else (or when that model
 *  is int8 already, like an int8 .tflite) why there is none. */
export async function originalFloatModel(loaded: Graph, flags: PreprocessFlags = {}): Promise<{ graph: Graph } | { note: string }> {
  const carried = carriedCompression(loaded);
  let original = loaded;
  if (carried) {
    const path = carried.input.path;
    if (!path || path.toLowerCase().endsWith('.tfir.json'))
      return { note: 'the compressed model does not record the float model it came from' };
    if (!existsSync(path)) return { note: `the float model it came from (${path}) is not here` };
    original = await loadModelWithPreprocess(path, flags);
  }
  return isQuantized(original) ? { note: 'the input model is int8 already: there is no float model to compare with' } : { graph: original };
}

export interface PreparedModel {
  floatGraph: Graph;
  graph: Graph;
  compression: Compression;
  quantization: string;
  /** What the calibration / training data's loader noted (e.g. that it is the test set too). */
  dataNotes: string[];
}

/** A preset name, or a path to a JSON recipe file (an array of steps or `{ "steps": [...] }`), checked for shape. */
export function loadRecipe(spec: string): Recipe | string {
  if (!spec.endsWith('.json')) return spec;
  let text: string;
  try {
    text = readFileSync(spec, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TinyforgeError(
      'file-not-found',
      code === 'EISDIR' ? `recipe file ${spec} is a folder` : `recipe file ${spec} cannot be read (${code ?? (e as Error).message})`,
      {
        location: { file: spec },
        hint: 'pass a preset name (`tinyforge recipes` lists them) or the path of a JSON recipe file',
      },
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new TinyforgeError('bad-recipe', `recipe file is not valid JSON: ${(e as Error).message}`, { location: { file: spec } });
  }
  return checkRecipeJson(raw, spec);
}

/** Recipe steps whose output is already an int8 graph. */
const INT8_STEPS = new Set(['quantize-int8', 'qat-int8', 'int4']);

function isQuantized(g: Graph): boolean {
  return Object.values(g.tensors).some((t) => t.dtype === 'i8');
}

/** --calibration-samples fills every calibrating step's count the recipe leaves out; the calibration set is as large
 *  as the largest count any step asks for. */
function applyCalibrationCount(recipe: Recipe, count: number): number {
  let largest = count;
  for (const step of recipe) {
    const name = typeof step?.step === 'string' ? step.step : '';
    const param = Object.hasOwn(passes, name) ? passes[name].calibrationParam : undefined;
    if (!param) continue;
    if (step[param] === undefined && count >= 1) step[param] = count;
    else if (typeof step[param] === 'number') largest = Math.max(largest, step[param] as number);
  }
  return largest;
}

export async function prepareModel(opts: PrepareOptions): Promise<PreparedModel> {
  const floatGraph = opts.model ?? (await loadModelWithPreprocess(opts.modelPath, opts.preprocess));
  const recipe: Recipe = [];
  if (opts.compress) {
    const r = loadRecipe(opts.compress);
    if (typeof r === 'string' && presetFor(r, floatGraph) !== r)
      log(`preset ${r}: the model has convolutions, so its ${presetFor(r, floatGraph)} settings are used`);
    recipe.push(...(typeof r === 'string' ? resolveRecipe(r, floatGraph) : r));
  }
  // Steps that leave an int8 graph themselves; after any other recipe (binary, deep-compression …) --quantize int8 adds
  // quantize-int8, which keeps binary and clustered weights as they are stored (in int8).
  const wantsInt8 = opts.quantize === 'int8' && !isQuantized(floatGraph) && !recipe.some((s) => INT8_STEPS.has(s.step));
  if (wantsInt8 && recipe.length > 0 && recipe.every((s) => s.step === 'fp16')) {
    // quantize-int8 turns half weights into int8 (smaller), which would deploy plain int8 under the name fp16.
    throw new TinyforgeError(
      'bad-recipe',
      'fp16 keeps weights as half floats for the float kernels; under --quantize int8 (the default) they would become plain int8, the same model as --compress int8',
      {
        location: { field: '--compress' },
        hint: 'pass --quantize none to deploy half-precision weights, or --compress int8 for int8',
      },
    );
  }
  // The streaming form steps GRU/LSTM with float kernels, so --stream keeps them in float.
  if (wantsInt8) recipe.push(opts.stream ? { step: 'quantize-int8', recurrent: 'float' } : { step: 'quantize-int8' });
  if (opts.quantize !== 'int8' && opts.quantize !== 'none') {
    throw new TinyforgeError('bad-argument', `--quantize ${opts.quantize} is not known`, {
      hint: 'use --quantize int8 or --quantize none',
    });
  }
  let compression: Compression = compressionOf(floatGraph); // a .tfir.json's carried steps, or none
  let graph = floatGraph;
  let dataNotes: string[] = [];
  if (recipe.length > 0) {
    if (!opts.dataset) {
      throw new TinyforgeError('bad-argument', 'compression and int8 quantization need data to calibrate on', {
        hint: 'pass --dataset mnist (or a folder of samples), or --quantize none',
      });
    }
    const calibrationCount = applyCalibrationCount(recipe, opts.calibrationSamples);
    const compute = async (): Promise<CachedCompression> => {
      const { calibration, data, validation } = await passData(floatGraph, opts, calibrationCount);
      const plog = createLog(phaseProgress({ indent: '  ' }));
      const r = await runPipeline(floatGraph, recipe, { data: { calibration, dataset: data, validation }, log: plog });
      for (const d of plog.diagnostics) log(formatDiagnostic(d));
      return { graph: r.ir, compression: r.compression, dataNotes: data.notes ?? [] };
    };
    const r = opts.cache === false ? await compute() : await cachedCompression(floatGraph, recipe, calibrationCount, opts, compute, log);
    graph = r.graph;
    compression = r.compression;
    dataNotes = r.dataNotes;
  }
  const quantization = isQuantized(graph) ? 'int8' : 'float32';
  return { floatGraph, graph, compression, quantization, dataNotes };
}

/** The paths a compile reads: the model, a recipe file and a dataset path (an output may be or hold none of them). */
export function commandInputs(opts: { modelPath: string; compress?: string; dataset?: string }): string[] {
  return [
    opts.modelPath,
    ...(opts.compress?.endsWith('.json') ? [opts.compress] : []),
    ...(opts.dataset !== undefined ? [opts.dataset] : []),
  ];
}

export interface CompileOptions extends PrepareOptions {
  boardId: string;
  outDir: string;
  force: boolean;
  lib: boolean;
  /** The library's packaging (with lib): cmake (default), esp-idf, zephyr, platformio or arduino. */
  libFormat?: LibFormat;
  /** --name: the model's id (model-names.ts); default DEFAULT_MODEL_ID. */
  name?: string;
  /** Reserve this much stack instead of the planned amount. */
  stackBytes?: number;
  /** Every layer's kernel set instead of the board's (what --tune builds once per set). */
  kernelSet?: KernelSet;
  /** The model as an earlier compile with the same options prepared it (compressed, quantized): --tune builds the
   *  same model once per kernel set and once more with its choice. */
  prepared?: PreparedModel;
  /** Per layer (node name), the kernel set and kernel to use instead of the board's (--tune, --kernels-from). */
  layerKernels?: Record<string, LayerKernel>;
  /** What --tune measured, recorded in the manifest. */
  tuning?: KernelTuning;
  /** false with --no-fuse: every layer's output stored whole, no conv fused into a max pool, no banded chain (GenerateOptions.fuse). */
  fuse?: boolean;
}

function manifestStack(s: StackPlan | UnplannedStack): ManifestStack {
  if (!s.planned)
    return { planned_bytes: null, limit_bytes: s.limitBytes, chain: [], interrupt_bytes: null, model_bytes: null, reason: s.reason };
  return {
    planned_bytes: s.plannedBytes,
    limit_bytes: s.limitBytes,
    chain: s.chain,
    interrupt_bytes: s.interruptBytes,
    model_bytes: s.modelBytes,
  };
}

export interface CompiledModel extends PreparedModel {
  board: Board;
  manifest: ProjectManifest;
  /** Per node, in graph order, the kernel function it runs (null: none). */
  nodeKernels: (string | null)[];
}

export async function compileModel(opts: CompileOptions): Promise<CompiledModel> {
  const board = loadBoard(opts.boardId);
  checkOutputDir(opts.outDir, { force: opts.force, inputs: commandInputs(opts) }); // before any work: refuse early, lose nothing
  const libFormat = opts.lib ? (opts.libFormat ?? 'cmake') : undefined;
  if (libFormat === 'arduino' && opts.dataset === undefined) {
    throw new TinyforgeError('bad-argument', 'the Arduino library bundles one sample in its example sketch, and no dataset was given', {
      location: { field: '--dataset' },
      hint: 'pass --dataset (its first test sample is bundled), e.g. --dataset mnist',
    });
  }
  const prepared = opts.prepared ?? (await prepareModel(opts));
  const generated = packagedModel(
    prepared.graph,
    generateModel(prepared.graph, {
      board: { kernels: opts.kernelSet ?? board.kernels },
      name: opts.name,
      layerKernels: opts.layerKernels,
      stream: opts.stream,
      fuse: opts.fuse,
    }),
    libFormat && {
      format: libFormat,
      board: board.id,
      example: libFormat === 'arduino' ? await exampleSample(prepared.graph, opts) : undefined,
    },
  );
  // The serial firmware's stack, planned from the cross compiler's frames (a library's stack is its host firmware's).
  const stack = opts.lib ? undefined : await planStack(board, generated, { stackBytes: opts.stackBytes });
  if (stack?.planned && opts.stackBytes !== undefined && stack.limitBytes < stack.plannedBytes + STACK_GUARD_BYTES) {
    log(
      `warning: --stack-bytes ${opts.stackBytes} is less than the ${stack.plannedBytes.toLocaleString('en-US')} bytes planned: an inference that needs more stops with stack-overflow`,
    );
  }
  // The fit check runs before any build: weights and code estimate for flash; static data, arena and stack for RAM.
  const modelRam = generated.arenaBytes + (generated.stream?.stateBytes ?? 0);
  const ramBytes = stack?.planned ? Math.max(stack.staticRamBytes, modelRam) : modelRam;
  checkFits(
    board,
    {
      flashBytes: generated.weightBytes,
      ramBytes,
      stack: stack && {
        limitBytes: stack.limitBytes,
        plannedBytes: stack.planned ? stack.plannedBytes : null,
        chain: stack.planned ? stack.chain : undefined,
      },
    },
    prepared.graph.name,
  );
  // ESP boards: the ESP-IDF project too, ready for `idf.py build` without a board or ESP-IDF at hand.
  const espIdf =
    board.family === 'esp-idf' && !opts.lib
      ? espIdfProjectFiles({ board, model: generated, outDir: join(opts.outDir, ESP_IDF_FOLDER), modelName: prepared.graph.name }).files
      : undefined;
  const manifest = writeProject(opts.outDir, {
    graph: prepared.graph,
    generated,
    board: board.id,
    modelPath: opts.modelPath,
    quantization: prepared.quantization,
    lib: opts.lib,
    libFormat,
    compression: prepared.compression,
    force: opts.force,
    inputs: commandInputs(opts),
    stack: stack && manifestStack(stack),
    extraFiles: espIdf && Object.fromEntries(Object.entries(espIdf).map(([rel, c]) => [`${ESP_IDF_FOLDER}/${rel}`, c])),
    espIdf: espIdf && ESP_IDF_FOLDER,
    layerKernels: opts.layerKernels,
    tuning: opts.tuning,
  });
  return { ...prepared, board, manifest, nodeKernels: generated.nodeKernels };
}

/** The generated model as a library package lays it out (files and sources moved, build files added); unchanged
 *  without one. */
function packagedModel(
  graph: Graph,
  generated: GeneratedModel,
  pkg: { format: LibFormat; board: string; example?: LibExample } | undefined,
): GeneratedModel {
  if (!pkg) return generated;
  const { files, sources } = libraryPackage({ ...pkg, graph, model: generated });
  return { ...generated, files, sources };
}

/** The first test sample of --dataset (its only split for a dataset without one) as the model takes it, with its label
 *  and the class the reference interpreter predicts: what the Arduino example sketch runs and should print. */
async function exampleSample(graph: Graph, flags: DatasetFlags): Promise<LibExample | undefined> {
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) return undefined; // the package says why it has no example
  const data = await loadDatasetFor(graph, flags, { split: 'test', limit: 1 });
  const sample = data.get(0);
  const input = sampleInput(graph, sample);
  const output = runGraph(graph, { [graph.inputs[0]]: input }).outputs[graph.outputs[0]];
  return {
    input,
    source: `sample 0 of ${data.name}`,
    label: data.unlabeled ? undefined : sample.label,
    labelName: data.unlabeled ? undefined : data.classNames?.[sample.label],
    referenceClass: predictedClass(graph, output),
  };
}

/** out/<model>-<board>; a file named model.* takes its folder's name (examples/mnist-cnn/model.onnx → mnist-cnn). */
export function defaultOutDir(modelPath: string, boardId: string): string {
  const parts = modelPath.split(/[\\/]/).filter(Boolean);
  let name = (parts.at(-1) ?? 'model').replace(/\.tfir\.json$|\.[^.]+$/i, '');
  if (name === 'model' && parts.length > 1) name = parts.at(-2)!;
  return `out/${name}-${boardId}`;
}
