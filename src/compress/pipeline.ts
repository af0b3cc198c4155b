// Runs a compression recipe (an ordered list of `{ step, ...params }`) through the pass registry and gathers each
// pass's report into report.json's `compression` block. Recipes are validated in full before any pass runs.

import { TinyforgeError, type Diagnostic } from '../diagnostics.ts';
import type { Graph } from '../ir/graph.ts';
import { createLog, type Pass, type PassData, type PassLog, type PassReport, type ParamSpec, stepParams } from './pass.ts';
import { deployedLayers, graphWeightFlash, type DeployedLayer } from '../packing/flash-bytes.ts';
import { storageProblems } from '../packing/storage.ts';
import { graphStats } from '../ir/stats.ts';
import { float32WeightBytes } from './deep-compression-table.ts';
import { validationRange } from './prune-finetune.ts';
import { quantizeInt8 } from './quantize-int8.ts';
import { pruneWeights } from './prune-weights.ts';
import { pruneStructured } from './prune-structured.ts';
import { distill } from './distill.ts';
import { lowrank } from './lowrank.ts';
import { depthwiseSeparable } from './depthwise-separable.ts';
import { cluster } from './cluster.ts';
import { huffman } from './huffman.ts';
import { fp16 } from './fp16.ts';
import { int4 } from './int4.ts';
import { binary } from './binary.ts';
import { qat } from './qat.ts';
import { adversarial } from './adversarial.ts';
import { CONV_VARIANTS, presets, type Recipe } from './presets.ts';
import { checkRecipeJson } from './recipe-check.ts';

export { CONV_VARIANTS, presets };
export type { Recipe, RecipeStep } from './presets.ts';

/** Every pass a recipe can name. Adding a pass = one line here. */
export const passes: Record<string, Pass> = {
  [quantizeInt8.name]: quantizeInt8,
  [pruneWeights.name]: pruneWeights,
  [pruneStructured.name]: pruneStructured,
  [distill.name]: distill,
  [lowrank.name]: lowrank,
  [depthwiseSeparable.name]: depthwiseSeparable,
  [cluster.name]: cluster,
  [huffman.name]: huffman,
  [fp16.name]: fp16,
  [int4.name]: int4,
  [binary.name]: binary,
  [qat.name]: qat,
  [adversarial.name]: adversarial,
};

/** The model a recipe started from: its file, params, MACs and weight bytes (as deployed without compression, and as
 *  float32: the numerator of every ratio). */
export interface InputModel {
  path: string | null;
  params: number;
  macs: number;
  bytes: number;
  float32_bytes: number;
}

/** What a graph carries in `metadata.compression` once a recipe ran on it, so a `.tfir.json` written by `compress`
 *  still reports its steps and the model they started from when it is deployed later. */
export interface CarriedCompression {
  input: InputModel;
  steps: PassReport[];
}

export interface Compression {
  /** Every step that made the graph, earlier recipes' (carried in a .tfir.json) first. Each step's bytes_before /
   *  bytes_after are the deployed weight bytes (reference kernel layout) before and after it; ratio = the input model's
   *  float32 bytes ÷ bytes_after. */
  steps: PassReport[];
  /** The input model's figures. */
  params_before: number;
  macs_before: number;
  bytes_before: number;
  /** Float32 bytes of the input model's constants. */
  original_bytes: number;
  /** Deployed weight bytes after the last step, and original_bytes ÷ that. */
  compressed_bytes: number;
  ratio: number;
  /** The input model's file (the float model a compressed .tfir.json came from), when known. */
  source: string | null;
  /** Per layer after the last step: deployed format and bytes. */
  layers: DeployedLayer[];
}

/** A parameter's accepted values and default, as recipe errors and `tinyforge recipes` word them. */
export function describeParam(spec: ParamSpec): string {
  switch (spec.type) {
    case 'number':
      return `${spec.integer ? 'an integer' : 'a number'} in [${spec.min}, ${spec.max}] (default ${spec.default})`;
    case 'enum':
      return `one of ${spec.values.map((v) => `'${v}'`).join(', ')} (default '${spec.default}')`;
    case 'boolean':
      return `true or false (default ${spec.default})`;
  }
}

function checkParam(spec: ParamSpec, v: unknown): boolean {
  switch (spec.type) {
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) && v >= spec.min && v <= spec.max && (!spec.integer || Number.isInteger(v));
    case 'enum':
      return typeof v === 'string' && spec.values.includes(v);
    case 'boolean':
      return typeof v === 'boolean';
  }
}

/** The preset `name` stands for on `g`: its convolutional variant when `g` has Conv2D / DepthwiseConv2D layers. */
export function presetFor(name: string, g?: Graph): string {
  const variant = Object.hasOwn(CONV_VARIANTS, name) ? CONV_VARIANTS[name] : undefined;
  return variant && g?.nodes.some((n) => n.op === 'Conv2D' || n.op === 'DepthwiseConv2D') ? variant : name;
}

/** A preset name or a recipe → a recipe (a preset's conv variant for a convolutional `g`); throws 'bad-recipe' for
 *  an unknown preset. */
export function resolveRecipe(recipe: Recipe | string, g?: Graph): Recipe {
  if (typeof recipe !== 'string') return recipe;
  const name = presetFor(recipe, g);
  const r = Object.hasOwn(presets, name) ? presets[name] : undefined;
  if (!r) {
    throw new TinyforgeError('bad-recipe', `unknown compression preset "${recipe}"`, {
      notes: [`presets: ${Object.keys(presets).join(', ')}`],
      hint: `use one of: ${Object.keys(presets).join(', ')}`,
    });
  }
  return structuredClone(r);
}

/** Checks every step and parameter; throws one 'bad-recipe' error listing all problems. Returns the params of each
 *  step with defaults filled in. */
export function validateRecipe(recipe: Recipe): Record<string, number | string | boolean>[] {
  const problems: string[] = [];
  const resolved: Record<string, number | string | boolean>[] = [];
  checkRecipeJson(recipe);
  recipe.forEach((s, i) => {
    const pass = Object.hasOwn(passes, s.step) ? passes[s.step] : undefined;
    if (!pass) {
      problems.push(`step ${i + 1}: unknown step ${JSON.stringify(s?.step)}; known steps: ${Object.keys(passes).join(', ')}`);
      resolved.push({});
      return;
    }
    const params: Record<string, number | string | boolean> = {};
    for (const [key, v] of Object.entries(s)) {
      if (key === 'step') continue;
      const spec = Object.hasOwn(pass.params, key) ? pass.params[key] : Object.hasOwn(stepParams, key) ? stepParams[key] : undefined;
      if (!spec)
        problems.push(
          `step ${i + 1} (${pass.name}): unknown parameter "${key}"; accepted: ${[...Object.keys(pass.params), ...Object.keys(stepParams)].join(', ')}`,
        );
      else if (!checkParam(spec, v))
        problems.push(`step ${i + 1} (${pass.name}): ${key} = ${JSON.stringify(v)} must be ${describeParam(spec)}`);
      else params[key] = v as number | string | boolean;
    }
    for (const [key, spec] of Object.entries({ ...pass.params, ...stepParams })) params[key] ??= spec.default;
    resolved.push(params);
  });
  if (problems.length) {
    throw new TinyforgeError('bad-recipe', `the compression recipe has ${problems.length} problem${problems.length > 1 ? 's' : ''}`, {
      notes: problems,
      hint: 'fix the recipe; nothing was run',
    });
  }
  return resolved;
}

export interface PipelineOptions {
  data?: PassData;
  log?: PassLog;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Deployed weight bytes of a graph, in all and per layer (codegen's figure on reference-kernel boards). */
function measure(g: Graph): { bytes: number; layers: DeployedLayer[] } {
  const layers = deployedLayers(g, graphWeightFlash(g));
  return { bytes: layers.reduce((s, l) => s + l.bytes, 0), layers };
}

/** The figures of a model no recipe has touched yet. */
function inputModel(g: Graph): InputModel {
  const t = graphStats(g).totals;
  return {
    path: g.metadata.source?.path ?? null,
    params: t.params,
    macs: t.macs,
    bytes: measure(g).bytes,
    float32_bytes: float32WeightBytes(g),
  };
}

/** The recipe history a graph carries (metadata.compression), if any. */
export function carriedCompression(g: Graph): CarriedCompression | undefined {
  const c = g.metadata.compression as CarriedCompression | undefined;
  return c && Array.isArray(c.steps) && c.input ? c : undefined;
}

/** report.json's compression block for a graph: its carried steps (none for a model straight from a file), the model
 *  they started from, and its deployed weight bytes now. */
export function compressionOf(g: Graph): Compression {
  const carried = carriedCompression(g);
  const input = carried?.input ?? inputModel(g);
  const now = measure(g);
  return {
    steps: carried?.steps ?? [],
    params_before: input.params,
    macs_before: input.macs,
    bytes_before: input.bytes,
    original_bytes: input.float32_bytes,
    compressed_bytes: now.bytes,
    ratio: now.bytes > 0 ? input.float32_bytes / now.bytes : 1,
    source: input.path,
    layers: now.layers,
  };
}

/** Puts one size figure on a step's report: deployed weight bytes before and after it, the ratio so far, and per layer
 *  the deployed format and bytes (weights and biases) over the pass's own columns; layers the pass did not list are
 *  added, so the rows add up to bytes_after. */
function sizeStep(
  report: PassReport,
  before: { bytes: number; layers: DeployedLayer[] },
  after: { bytes: number; layers: DeployedLayer[]; problems: string[] },
  float32: number,
): void {
  const was = new Map(before.layers.map((l) => [l.node, l]));
  const now = new Map(after.layers.map((l) => [l.node, l]));
  const listed = new Set(report.layers.map((r) => r.node));
  for (const row of report.layers) {
    row.format = now.get(row.node)?.format ?? 'removed';
    row.bytes_before = was.get(row.node)?.bytes ?? 0;
    row.bytes_after = now.get(row.node)?.bytes ?? 0;
  }
  for (const l of after.layers) {
    if (!listed.has(l.node))
      report.layers.push({
        node: l.node,
        op: l.op,
        params: l.params,
        format: l.format,
        bytes_before: was.get(l.node)?.bytes ?? 0,
        bytes_after: l.bytes,
      });
  }
  report.bytes_before = before.bytes;
  report.bytes_after = after.bytes;
  (report as PassReport & { ratio: number }).ratio = after.bytes > 0 ? round2(float32 / after.bytes) : 1;
  if (after.problems.length)
    report.notes.push(`as it stands, codegen would refuse ${after.problems.length} layers: ${after.problems.join('; ')}`);
}

/** Validates, then runs each step in order; returns the final graph (carrying its steps in metadata.compression) and
 *  the `compression` block of report.json. */
export async function runPipeline(
  g: Graph,
  recipe: Recipe | string,
  opts: PipelineOptions = {},
): Promise<{ ir: Graph; compression: Compression }> {
  const steps = resolveRecipe(recipe, g);
  const params = validateRecipe(steps);
  if (steps.length === 0) return { ir: g, compression: compressionOf(g) };
  const log = opts.log ?? createLog();
  const carried = carriedCompression(g);
  const input = carried?.input ?? inputModel(g);
  const reports: PassReport[] = [];
  let ir = g;
  let before = measure(g);
  for (let i = 0; i < steps.length; i++) {
    const pass = passes[steps[i].step];
    log.progress(`${pass.name} (${i + 1}/${steps.length})`);
    const skipped: Diagnostic[] = [];
    const stepLog: PassLog = {
      add: (d) => void (d.code === 'layer-skipped' && skipped.push(d), log.add(d)),
      progress: (m, f) => log.progress(m, f),
    };
    const result = await pass.run(ir, { params: params[i], data: opts.data ?? {} }, stepLog);
    ir = result.ir;
    const after = { ...measure(ir), problems: storageProblems(ir).map((p) => `"${p.node}": ${p.combination}`) };
    sizeStep(result.report, before, after, input.float32_bytes);
    // Layers the step left as they were (on_unsupported: skip) go into its report, not only into the log.
    if (skipped.length)
      (result.report as PassReport & { skipped: unknown[] }).skipped = skipped.map((d) => ({ ...d.location, reason: d.message }));
    const validation = opts.data?.validation;
    if (validation && opts.data?.dataset && typeof params[i].val_samples === 'number') {
      result.report.held_out = { dataset: validation.name, ...validationRange(params[i].val_samples as number, validation.size) };
    }
    reports.push(result.report);
    before = after;
  }
  ir.metadata.compression = { input, steps: [...(carried?.steps ?? []), ...reports] } satisfies CarriedCompression;
  return { ir, compression: compressionOf(ir) };
}
