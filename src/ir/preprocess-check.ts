// Checks a model's preprocessing metadata (x = (raw·scale − mean[c]) / std[c]) the way the CLI checks --input-scale,
// --mean and --std: finite numbers, std never 0, at most one value per channel of any image. A model file saying
// `1e999`, `NaN`, `std: [0]` or `mean: ["abc"]` is refused instead of being calibrated on.

/** More channels than any input of a microcontroller model has. */
const MAX_CHANNELS = 4096;

/** Every problem with `p` in the user's words; [] when it is a usable Preprocess. */
export function preprocessProblems(p: unknown): string[] {
  if (p === null || typeof p !== 'object' || Array.isArray(p))
    return [`is ${JSON.stringify(p)}, not {"scale": …, "mean": […], "std": […]}`];
  const r = p as Record<string, unknown>;
  const show = (v: unknown): string => (typeof v === 'number' ? String(v) : (JSON.stringify(v)?.slice(0, 40) ?? 'nothing'));
  const problems: string[] = [];
  if (typeof r.scale !== 'number' || !Number.isFinite(r.scale) || r.scale === 0)
    problems.push(`scale ${show(r.scale)}: must be a finite number other than 0`);
  for (const key of ['mean', 'std'] as const) {
    const v = r[key];
    if (!Array.isArray(v) || v.length === 0 || v.length > MAX_CHANNELS) {
      problems.push(`${key} must be a list of 1 to ${MAX_CHANNELS} numbers (one, or one per channel), got ${show(v)}`);
      continue;
    }
    v.forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) problems.push(`${key}[${i}] = ${show(x)}: must be a finite number`);
      else if (key === 'std' && x === 0) problems.push(`std[${i}] = 0: a standard deviation is never 0`);
    });
  }
  return problems;
}
