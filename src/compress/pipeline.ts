// Runs a compression recipe (an ordered list of `{ step, ...params }`) through the pass registry and gathers each
// pass's report into report.json's `compression` block. Recipes are validated in full before any pass runs.

import { TinyforgeError } from '../diagnostics.ts';
import type { Graph } from '../ir/graph.ts';
import { createLog, graphSize, type Pass, type PassData, type PassLog, type PassReport, type ParamSpec, stepParams } from './pass.ts';
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
import { presets } from './presets.ts';

export { presets };

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

export interface RecipeStep {
  step: string;
  [param: string]: unknown;
}
export type Recipe = RecipeStep[];

export interface Compression {
  steps: PassReport[];
  original_bytes: number;
  compressed_bytes: number;
  ratio: number;
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

/** A preset name or a recipe → a recipe; throws 'bad-recipe' for an unknown preset. */
export function resolveRecipe(recipe: Recipe | string): Recipe {
  if (typeof recipe !== 'string') return recipe;
  const r = presets[recipe];
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
  if (!Array.isArray(recipe)) {
    throw new TinyforgeError('bad-recipe', 'a recipe must be a list of steps like { step: "quantize-int8" }');
  }
  recipe.forEach((s, i) => {
    const pass = typeof s?.step === 'string' ? passes[s.step] : undefined;
    if (!pass) {
      problems.push(`step ${i + 1}: unknown step ${JSON.stringify(s?.step)}; known steps: ${Object.keys(passes).join(', ')}`);
      resolved.push({});
      return;
    }
    const params: Record<string, number | string | boolean> = {};
    for (const [key, v] of Object.entries(s)) {
      if (key === 'step') continue;
      const spec = pass.params[key] ?? stepParams[key];
      if (!spec) problems.push(`step ${i + 1} (${pass.name}): unknown parameter "${key}"; accepted: ${[...Object.keys(pass.params), ...Object.keys(stepParams)].join(', ')}`);
      else if (!checkParam(spec, v)) problems.push(`step ${i + 1} (${pass.name}): ${key} = ${JSON.stringify(v)} must be ${describeParam(spec)}`);
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

/** Validates, then runs each step in order; returns the final graph and the `compression` block of report.json. */
export async function runPipeline(g: Graph, recipe: Recipe | string, opts: PipelineOptions = {}): Promise<{ ir: Graph; compression: Compression }> {
  const steps = resolveRecipe(recipe);
  const params = validateRecipe(steps);
  const log = opts.log ?? createLog();
  const reports: PassReport[] = [];
  let ir = g;
  for (let i = 0; i < steps.length; i++) {
    const pass = passes[steps[i].step];
    log.progress(`${pass.name} (${i + 1}/${steps.length})`);
    const result = await pass.run(ir, { params: params[i], data: opts.data ?? {} }, log);
    ir = result.ir;
    reports.push(result.report);
  }
  const original = graphSize(g).bytes;
  const compressed = graphSize(ir).bytes;
  return {
    ir,
    compression: { steps: reports, original_bytes: original, compressed_bytes: compressed, ratio: compressed > 0 ? original / compressed : 1 },
  };
}
