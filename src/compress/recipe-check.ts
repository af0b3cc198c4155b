// The recipe JSON validation layer: what a recipe file holds is checked for shape before any step is looked up —
// a list of at most MAX_STEPS objects, each naming its step with a string and giving flat values — so `{}`, `42`,
// a 20,000-deep nesting or a `__proto__` key is one 'bad-recipe' error naming the file, never a crash.
import { TinyforgeError } from '../diagnostics.ts';
import type { Recipe } from './presets.ts';

const MAX_STEPS = 100;

function badRecipe(
  file: string | undefined,
  why: string,
  hint = 'write a list of steps, e.g. [{"step": "prune-weights", "sparsity": 0.9}, {"step": "quantize-int8"}] (`tinyforge recipes` lists them)',
): TinyforgeError {
  return new TinyforgeError('bad-recipe', `${file ? `recipe file ${file}` : 'the recipe'} ${why}`, {
    location: file ? { file } : undefined,
    hint,
  });
}

const describe = (v: unknown): string =>
  Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v === 'object' ? 'an object' : JSON.stringify(v).slice(0, 40);

/** Checks parsed recipe JSON (a list of steps, or `{ "steps": [...] }`) and returns its steps; `file` names it in errors. */
export function checkRecipeJson(raw: unknown, file?: string): Recipe {
  const steps =
    raw !== null && typeof raw === 'object' && !Array.isArray(raw) && Object.hasOwn(raw, 'steps') ? (raw as { steps: unknown }).steps : raw;
  if (!Array.isArray(steps)) throw badRecipe(file, `holds ${describe(steps)}, not a list of steps`);
  if (steps.length > MAX_STEPS) throw badRecipe(file, `has ${steps.length} steps; at most ${MAX_STEPS}`);
  const problems: string[] = [];
  steps.forEach((s, i) => {
    if (s === null || typeof s !== 'object' || Array.isArray(s)) {
      problems.push(`step ${i + 1} is ${describe(s)}, not an object like {"step": "quantize-int8"}`);
      return;
    }
    if (typeof (s as Record<string, unknown>).step !== 'string') problems.push(`step ${i + 1} has no "step" name (a string)`);
    for (const [key, v] of Object.entries(s)) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype')
        problems.push(`step ${i + 1}: "${key}" is not a parameter name`);
      else if (v !== null && typeof v === 'object')
        problems.push(`step ${i + 1}: "${key}" is ${describe(v)}; parameters are numbers, strings or true/false`);
    }
  });
  if (problems.length > 0) {
    throw new TinyforgeError(
      'bad-recipe',
      `${file ? `recipe file ${file}` : 'the recipe'} has ${problems.length} problem${problems.length > 1 ? 's' : ''}`,
      {
        location: file ? { file } : undefined,
        notes: problems,
        hint: 'each step is an object {"step": "<name>", "<param>": <value>}; `tinyforge recipes <step>` lists its parameters',
      },
    );
  }
  return steps as Recipe;
}
