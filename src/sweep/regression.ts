// Hardware-in-the-loop regression specs (`tinyforge test spec.json`): cases of models, boards, recipes, datasets and
// limits, run as sweep jobs; each job is a test case that fails naming every limit it breaks; JUnit XML for CI.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { TinyforgeError } from '../diagnostics.ts';
import { jobCommand, type JobResult, type SweepJob } from './job.ts';
import { figuresOf, type RunFigures } from '../report/figures.ts';
import { limitFailures, type Limits } from '../report/pareto.ts';
import { planJobs, type SweepSpec } from './sweep.ts';

/** The limits a spec may set, as written in the file, and the sweep limit each one is. */
const LIMIT_KEYS: Record<string, keyof Limits> = {
  min_top1: 'min_top1',
  max_latency_ms: 'max_latency_ms',
  max_flash_bytes: 'max_flash_bytes',
  max_ram_bytes: 'max_ram_bytes',
  agreement: 'min_agreement',
};

export interface TestCase {
  /** Shown in reports: the case's `name`, else the model's file name. */
  name: string;
  spec: SweepSpec;
}

export interface TestSpec {
  name: string;
  file: string;
  cases: TestCase[];
}

function bad(file: string, field: string, message: string, hint: string): TinyforgeError {
  return new TinyforgeError('bad-spec', message, { location: { file, field }, hint });
}

function stringList(v: unknown, file: string, field: string): string[] {
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0 || !list.every((x) => typeof x === 'string' && x.length > 0)) {
    throw bad(file, field, `${field} must be a name or a non-empty list of names`, `e.g. "${field}": ["mps2-an386"]`);
  }
  return list as string[];
}

function count(v: unknown, file: string, field: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw bad(file, field, `${field} must be a whole number ≥ 1`, `e.g. "${field}": 100`);
  return v;
}

function limitsOf(v: unknown, file: string, field: string): Limits {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw bad(file, field, `${field} must be an object of limits`, `e.g. "${field}": {"min_top1": 0.97, "agreement": 1}`);
  const out: Limits = {};
  for (const [k, x] of Object.entries(v)) {
    const key = LIMIT_KEYS[k];
    if (!key) throw bad(file, `${field}.${k}`, `unknown limit "${k}"`, `limits are ${Object.keys(LIMIT_KEYS).join(', ')}`);
    const fraction = key === 'min_top1' || key === 'min_agreement';
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || (fraction && x > 1)) {
      throw bad(
        file,
        `${field}.${k}`,
        `${k} = ${JSON.stringify(x)} must be ${fraction ? 'a fraction 0–1' : 'a number ≥ 0'}`,
        fraction ? `e.g. "${k}": 0.97` : `e.g. "${k}": 65536`,
      );
    }
    out[key] = x;
  }
  return out;
}

/** Reads a spec: `cases` (each a model with boards, recipes, dataset, samples and limits) over defaults given at the
 *  top level; paths are relative to the spec file. */
export function loadTestSpec(file: string): TestSpec {
  if (!existsSync(file))
    throw new TinyforgeError('file-not-found', `test spec ${file} does not exist`, {
      location: { file },
      hint: 'e.g. tinyforge test nightly.json',
    });
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new TinyforgeError('bad-spec', `test spec is not valid JSON: ${(e as Error).message}`, {
      location: { file },
      hint: 'fix the JSON',
    });
  }
  if (typeof raw !== 'object' || raw === null || !Array.isArray(raw.cases) || raw.cases.length === 0) {
    throw bad(
      file,
      'cases',
      'the spec needs a non-empty "cases" list',
      'e.g. {"cases": [{"model": "model.onnx", "boards": ["mps2-an386"], "limits": {"min_top1": 0.97}}]}',
    );
  }
  const at = (p: string) => (isAbsolute(p) || p === 'mnist' ? p : join(dirname(file), p));
  const defaults = limitsOf(raw.limits, file, 'limits');
  const cases = (raw.cases as Record<string, unknown>[]).map((c, i) => {
    const field = `cases[${i}]`;
    if (typeof c !== 'object' || c === null)
      throw bad(file, field, `${field} must be an object`, 'e.g. {"model": "model.onnx", "boards": ["mps2-an386"]}');
    if (typeof c.model !== 'string')
      throw bad(file, `${field}.model`, `${field} has no "model"`, 'give the model file, relative to the spec');
    const dataset = c.dataset ?? raw.dataset ?? 'mnist';
    if (typeof dataset !== 'string') throw bad(file, `${field}.dataset`, 'dataset must be a name or a path', 'e.g. "dataset": "mnist"');
    const spec: SweepSpec = {
      models: [at(c.model)],
      boards: stringList(c.boards ?? raw.boards, file, `${field}.boards`),
      recipes: stringList(c.recipes ?? raw.recipes ?? ['int8'], file, `${field}.recipes`).map((r) => (r.endsWith('.json') ? at(r) : r)),
      dataset: at(dataset),
      samples: count(c.samples ?? raw.samples, file, `${field}.samples`, 100),
      calibration_samples: count(c.calibration_samples ?? raw.calibration_samples, file, `${field}.calibration_samples`, 200),
      limits: { ...defaults, ...limitsOf(c.limits, file, `${field}.limits`) },
    };
    return { name: typeof c.name === 'string' ? c.name : c.model.split(/[\\/]/).pop()!, spec };
  });
  return {
    name:
      typeof raw.name === 'string'
        ? raw.name
        : file
            .split(/[\\/]/)
            .pop()!
            .replace(/\.json$/, ''),
    file,
    cases,
  };
}

/** The jobs of every case, ids prefixed so that they are unique in the run. */
export function testJobs(spec: TestSpec, runId: string): { job: SweepJob; caseIndex: number }[] {
  return spec.cases.flatMap((c, i) => planJobs(c.spec, `${runId}-c${i + 1}`).map((job) => ({ job, caseIndex: i })));
}

export interface TestOutcome {
  case: string;
  job: string;
  name: string;
  recipe: string;
  board: string;
  command: string;
  /** pass; fail: a limit broken; error: the job did not run to the end. */
  status: 'pass' | 'fail' | 'error';
  failures: string[];
  error?: JobResult['error'];
  figures?: RunFigures;
  seconds: number;
}

export function judge(c: TestCase, job: SweepJob, r: JobResult): TestOutcome {
  const base = {
    case: c.name,
    job: job.id,
    name: job.name,
    recipe: job.recipe,
    board: job.board,
    command: jobCommand(job),
    seconds: r.wall_ms / 1000,
  };
  if (r.status === 'failed' || !r.report) return { ...base, status: 'error', failures: [], error: r.error };
  const figures = figuresOf(r.report);
  const failures = limitFailures(figures, c.spec.limits);
  return { ...base, status: failures.length ? 'fail' : 'pass', failures, figures };
}

function xml(s: string): string {
  // Characters XML 1.0 cannot hold at all are dropped; the rest escaped.
  return s
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/g, '')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** JUnit XML as Jenkins, GitLab and GitHub's test reporters read it: a testsuite per case, a testcase per job; a broken
 *  limit is a <failure> naming it, a job that could not run an <error>. */
export function junitXml(spec: TestSpec, outcomes: TestOutcome[]): string {
  const total = (list: TestOutcome[]) => ({
    tests: list.length,
    failures: list.filter((o) => o.status === 'fail').length,
    errors: list.filter((o) => o.status === 'error').length,
    time: list.reduce((s, o) => s + o.seconds, 0).toFixed(3),
  });
  const all = total(outcomes);
  const suites = spec.cases.map((c) => {
    const list = outcomes.filter((o) => o.case === c.name);
    const t = total(list);
    const cases = list.map((o) => {
      const figures = o.figures
        ? `top-1 ${o.figures.device_top1}, latency ${o.figures.latency} ${o.figures.latency_unit} (${o.figures.latency_ms} ms), flash ${o.figures.flash_bytes} B, RAM ${o.figures.ram_bytes} B, agreement ${o.figures.agreement}`
        : '';
      const body =
        o.status === 'fail'
          ? `<failure message="${xml(o.failures.map((f) => f.split(':')[0]).join(', '))}" type="limit">${xml(o.failures.join('\n'))}</failure>`
          : o.status === 'error'
            ? `<error message="${xml(o.error?.message ?? 'the job failed')}" type="${xml(o.error?.code ?? 'error')}">${xml([o.error?.message, o.error?.hint].filter(Boolean).join('\n'))}</error>`
            : '';
      return `    <testcase classname="${xml(`tinyforge.${c.name}`)}" name="${xml(`${o.recipe} on ${o.board}`)}" time="${o.seconds.toFixed(3)}">${body}<system-out>${xml(`${o.command}\n${figures}`)}</system-out></testcase>`;
    });
    return `  <testsuite name="${xml(c.name)}" tests="${t.tests}" failures="${t.failures}" errors="${t.errors}" skipped="0" time="${t.time}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(spec.name)}" tests="${all.tests}" failures="${all.failures}" errors="${all.errors}" time="${all.time}">\n${suites.join('\n')}\n</testsuites>\n`;
}
