// `deploy --tune`: each layer's kernel chosen by measuring. The model is built once per kernel set with every layer on the
// set's own kernel, then once more per further choice an op offers under that set (KernelChoices: the same op tiled or
// ordered another way); every build's layers are timed on the board's emulator (--profile-layers) and their outputs
// compared with the reference interpreter (--debug-layers). Each layer takes the fastest candidate whose output is the
// reference's. The choice and the figures go into tinyforge.json, and `--kernels-from` reads them back so a rebuild
// repeats the choice without measuring again.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProject } from '../build/build-project.ts';
import { kernelChoices } from '../codegen/generate.ts';
import { boardKernelSet, KERNEL_SETS, type KernelSet, type LayerKernel } from '../codegen/op-emitter.ts';
import { loadProject, MANIFEST, type KernelTuning } from '../codegen/project.ts';
import type { Dataset } from '../data/dataset.ts';
import { openDevice } from '../device/device-session.ts';
import { debugLayers, profileLayers } from '../device/layer-views.ts';
import { stackBudget } from '../device/stack-check.ts';
import { TinyforgeError } from '../diagnostics.ts';
import { sampleInput } from '../reference/model-input.ts';
import { log } from './output.ts';
import { compileModel, type CompileOptions, type PreparedModel } from './steps.ts';

export interface TunedKernels {
  layerKernels: Record<string, LayerKernel>;
  tuning: KernelTuning;
  /** The model as the candidates' compile prepared it, for the final compile. */
  prepared: PreparedModel;
  /** Σ over layers of the chosen candidate's instructions, and of each kernel set's own build. */
  total: number;
  totals: Record<string, number>;
}

interface Measured {
  /** Per layer, instructions where its output is the reference's, else null. */
  times: (number | null)[];
  /** Per layer, the kernel function it ran on. */
  kernels: (string | null)[];
  nodes: string[];
  prepared: PreparedModel;
  /** The board's own kernel set. */
  boardSet: KernelSet;
}

/** Builds the model with one candidate's kernels, runs the dataset's first sample on the board's emulator and times and
 *  checks every layer. */
async function measure(
  base: CompileOptions,
  data: Dataset,
  set: KernelSet,
  layerKernels: Record<string, LayerKernel>,
  prepared?: PreparedModel,
): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'tinyforge-tune-'));
  try {
    // Unfused, so each conv is timed and checked on its own; the final compile fuses with the choice as asked.
    const compiled = await compileModel({
      ...base,
      outDir: join(dir, 'project'),
      force: false,
      lib: false,
      kernelSet: set,
      layerKernels,
      prepared,
      fuse: false,
    });
    const project = loadProject(join(dir, 'project'));
    const fw = await buildProject(project, compiled.board);
    const session = await openDevice(compiled.board, fw.elfPath, { stack: stackBudget(project.manifest) });
    try {
      const input = sampleInput(project.graph, data.get(0));
      const profile = await profileLayers(session, project.graph, input);
      const diffs = await debugLayers(session, project.graph, input);
      const exact = new Set(diffs.layers.filter((d) => d.differing === 0).map((d) => d.layer));
      const nodes = project.graph.nodes.map((n) => n.name);
      return {
        times: nodes.map((_, l) => (exact.has(l) ? (profile[l]?.latency ?? null) : null)),
        kernels: compiled.nodeKernels,
        nodes,
        prepared: compiled,
        boardSet: boardKernelSet(compiled.board.kernels),
      };
    } finally {
      await session.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Times every layer under each kernel set and each further kernel choice on the board's emulator, on the dataset's
 *  first sample. */
export async function tuneLayerKernels(base: CompileOptions, data: Dataset): Promise<TunedKernels> {
  const layers: Record<string, (number | null)[]> = {};
  const kernels: Record<string, (string | null)[]> = {};
  const candidates: { label: string; set: KernelSet; own: boolean }[] = [];
  let nodes: string[] = [];
  let prepared: PreparedModel | undefined;
  let boardSet: KernelSet = 'reference';
  for (const [i, set] of KERNEL_SETS.entries()) {
    log(`tune ${i + 1}/${KERNEL_SETS.length}: building with the ${set} kernels and timing each layer …`);
    const own = await measure(base, data, set, {}, prepared);
    prepared = own.prepared;
    boardSet = own.boardSet;
    nodes = own.nodes;
    layers[set] = own.times;
    kernels[set] = own.kernels;
    candidates.push({ label: set, set, own: true });
    // The further choices: build k puts every layer that has a k-th kernel under this set on it.
    const graph = prepared.graph;
    const choices = graph.nodes.map((n) => kernelChoices(graph, n, set));
    const builds = Math.max(1, ...choices.map((c) => c.length));
    for (let k = 1; k < builds; k++) {
      const label = `${set} #${k + 1}`;
      log(
        `tune ${i + 1}/${KERNEL_SETS.length}: ${label}: ${choices.filter((c) => c.length > k).length} layer(s) on their choice ${k + 1} …`,
      );
      const chosen = Object.fromEntries(
        graph.nodes.flatMap((n, l) => (choices[l].length > k ? [[n.name, { set, kernel: choices[l][k] }]] : [])),
      );
      const m = await measure(base, data, set, chosen, prepared);
      layers[label] = m.times.map((t, l) => (choices[l].length > k ? t : null));
      kernels[label] = m.kernels.map((fn, l) => (choices[l].length > k ? fn : null));
      candidates.push({ label, set, own: false });
    }
  }
  const layerKernels: Record<string, LayerKernel> = {};
  let total = 0;
  nodes.forEach((node, l) => {
    let best = boardSet as string;
    for (const { label } of candidates) {
      const t = layers[label][l];
      const b = layers[best][l];
      if (t !== null && (b === null || t < b)) best = label;
    }
    const pick = candidates.find((c) => c.label === best)!;
    if (best !== boardSet) layerKernels[node] = pick.own ? { set: pick.set } : { set: pick.set, kernel: kernels[best][l]! };
    total += layers[best][l] ?? 0;
  });
  const totals = Object.fromEntries(KERNEL_SETS.map((s) => [s, layers[s].reduce<number>((a, t) => a + (t ?? 0), 0)]));
  return { layerKernels, tuning: { board: base.boardId, nodes, layers, kernels }, prepared: prepared!, total, totals };
}

/** `--kernels-from <folder or tinyforge.json>`: the layer kernels a tuned compile recorded. */
export function readLayerKernels(path: string): Record<string, LayerKernel> {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, MANIFEST) : path;
  const where = { location: { file, field: '--kernels-from' } };
  if (!existsSync(file)) {
    throw new TinyforgeError('file-not-found', `--kernels-from: no ${file}`, {
      ...where,
      hint: 'give the folder of a `tinyforge deploy --tune` (or its tinyforge.json)',
    });
  }
  let manifest: { layer_kernels?: unknown; tuning?: unknown };
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as typeof manifest;
  } catch (e) {
    throw new TinyforgeError('bad-manifest', `--kernels-from: ${file} is not readable JSON (${(e as Error).message})`, where);
  }
  const chosen = manifest.layer_kernels ?? {};
  if (manifest.tuning === undefined && manifest.layer_kernels === undefined) {
    throw new TinyforgeError('bad-manifest', `--kernels-from: ${file} records no tuned kernels`, {
      ...where,
      hint: 'compile or deploy with --tune first: it records "layer_kernels" and "tuning" there',
    });
  }
  if (typeof chosen !== 'object' || chosen === null || Array.isArray(chosen)) {
    throw new TinyforgeError('bad-manifest', `--kernels-from: "layer_kernels" in ${file} is not an object`, where);
  }
  const sets = KERNEL_SETS as readonly unknown[];
  const out: Record<string, LayerKernel> = {};
  for (const [node, entry] of Object.entries(chosen as Record<string, unknown>)) {
    // A kernel set's name alone is what versions before kernel choices recorded.
    const { set, kernel } = (typeof entry === 'string' ? { set: entry } : (entry ?? {})) as { set?: unknown; kernel?: unknown };
    if (!sets.includes(set) || (kernel !== undefined && typeof kernel !== 'string')) {
      throw new TinyforgeError('bad-manifest', `--kernels-from: layer "${node}" records ${JSON.stringify(entry)}`, {
        ...where,
        hint: `each layer records {"set": one of ${KERNEL_SETS.join(', ')}, "kernel": a kernel function (optional)}`,
      });
    }
    out[node] = { set: set as KernelSet, ...(kernel !== undefined ? { kernel } : {}) };
  }
  return out;
}
