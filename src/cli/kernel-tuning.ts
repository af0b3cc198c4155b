// `deploy --tune`: each layer's kernel chosen by measuring. The model is built once per kernel set, every layer timed on
// the board's emulator (--profile-layers) and its output compared with the reference interpreter (--debug-layers);
// each layer takes the fastest set whose output is the reference's. The choice and the figures go into tinyforge.json,
// and `--kernels-from` reads them back so a rebuild repeats the choice without measuring again.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProject } from '../build/build-project.ts';
import { boardKernelSet, KERNEL_SETS, type KernelSet } from '../codegen/op-emitter.ts';
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
  layerKernels: Record<string, KernelSet>;
  tuning: KernelTuning;
  /** The model as the candidates' compile prepared it, for the final compile. */
  prepared: PreparedModel;
  /** Σ over layers of the chosen set's instructions, and of each set's own. */
  total: number;
  totals: Record<string, number>;
}

/** Times every layer under each kernel set on the board's emulator, on the dataset's first sample. */
export async function tuneLayerKernels(base: CompileOptions, data: Dataset): Promise<TunedKernels> {
  const layers: Record<string, (number | null)[]> = {};
  let nodes: string[] = [];
  let defaultSet: KernelSet = 'reference';
  let prepared: PreparedModel | undefined;
  for (const [i, set] of KERNEL_SETS.entries()) {
    log(`tune ${i + 1}/${KERNEL_SETS.length}: building with the ${set} kernels and timing each layer …`);
    const dir = mkdtempSync(join(tmpdir(), 'tinyforge-tune-'));
    try {
      // Unfused, so each conv is timed and checked on its own; the final compile fuses with the choice as asked.
      const compiled = await compileModel({
        ...base,
        outDir: join(dir, 'project'),
        force: false,
        lib: false,
        kernelSet: set,
        prepared,
        fuse: false,
      });
      prepared = compiled;
      defaultSet = boardKernelSet(compiled.board.kernels);
      const project = loadProject(join(dir, 'project'));
      const fw = await buildProject(project, compiled.board);
      const session = await openDevice(compiled.board, fw.elfPath, { stack: stackBudget(project.manifest) });
      try {
        const input = sampleInput(project.graph, data.get(0));
        const times = await profileLayers(session, project.graph, input);
        const diffs = await debugLayers(session, project.graph, input);
        const exact = new Set(diffs.layers.filter((d) => d.differing === 0).map((d) => d.layer));
        nodes = project.graph.nodes.map((n) => n.name);
        layers[set] = nodes.map((_, l) => (exact.has(l) ? (times[l]?.latency ?? null) : null));
      } finally {
        await session.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const layerKernels: Record<string, KernelSet> = {};
  let total = 0;
  nodes.forEach((node, l) => {
    let best: KernelSet = defaultSet;
    for (const set of KERNEL_SETS) {
      const t = layers[set][l];
      const b = layers[best][l];
      if (t !== null && (b === null || t < b)) best = set;
    }
    if (best !== defaultSet) layerKernels[node] = best;
    total += layers[best][l] ?? 0;
  });
  const totals = Object.fromEntries(KERNEL_SETS.map((s) => [s, layers[s].reduce<number>((a, t) => a + (t ?? 0), 0)]));
  return { layerKernels, tuning: { board: base.boardId, nodes, layers }, prepared: prepared!, total, totals };
}

/** `--kernels-from <folder or tinyforge.json>`: the layer kernels a tuned compile recorded. */
export function readLayerKernels(path: string): Record<string, KernelSet> {
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
  for (const [node, set] of Object.entries(chosen)) {
    if (!(KERNEL_SETS as readonly unknown[]).includes(set)) {
      throw new TinyforgeError('bad-manifest', `--kernels-from: layer "${node}" names kernel set ${JSON.stringify(set)}`, {
        ...where,
        hint: `kernel sets: ${KERNEL_SETS.join(', ')}`,
      });
    }
  }
  return chosen as Record<string, KernelSet>;
}
