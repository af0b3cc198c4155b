// What `tinyforge compare` puts side by side: each run's report.json read and checked, a label that tells the runs
// apart, its figures, and whether it is on the Pareto front of the runs on its board.
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import { TinyforgeError } from '../diagnostics.ts';
import { figuresOf, type RunFigures } from './figures.ts';
import { paretoFronts } from './pareto.ts';
import type { Report } from './report.ts';

export interface ComparedRun {
  label: string;
  /** The report.json it was read from, as given. */
  file: string;
  report: Report;
  figures: RunFigures;
  /** No other run on its board is at least as good in top-1, latency, flash and RAM and better in one. */
  pareto: boolean;
}

export interface Comparison {
  runs: ComparedRun[];
  /** Run labels on the front, per board. */
  pareto: Record<string, string[]>;
}

/** report.json, checked for the fields the comparison reads, so a wrong file is named instead of drawn as zeros. */
export function readReport(file: string): Report {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TinyforgeError(code === 'ENOENT' ? 'file-not-found' : 'bad-report', `cannot read ${file}: ${code ?? (e as Error).message}`, {
      location: { file },
      hint: 'give the report.json that `tinyforge deploy` or `tinyforge eval --board` wrote in its output folder',
    });
  }
  let r: Partial<Report>;
  try {
    r = JSON.parse(text) as Partial<Report>;
  } catch (e) {
    throw new TinyforgeError('bad-report', `${file} is not JSON: ${(e as Error).message}`, {
      location: { file },
      hint: 'give a report.json written by tinyforge',
    });
  }
  const missing = [
    ...(typeof r?.board === 'string' ? [] : ['board']),
    ...(['model', 'compression', 'memory', 'latency', 'accuracy'] as const).filter((k) => typeof r?.[k] !== 'object' || r[k] === null),
  ];
  if (r?.tool?.name !== 'tinyforge' || missing.length > 0) {
    throw new TinyforgeError('bad-report', `${file} is not a tinyforge report.json${missing.length ? ` (no ${missing.join(', ')})` : ''}`, {
      location: { file, field: missing[0] },
      hint: 'give the report.json that `tinyforge deploy` or `tinyforge eval --board` wrote; docs/report-format.md describes it',
    });
  }
  return r as Report;
}

/** Labels from the runs' folders ("out/lenet-int4/report.json" → "lenet-int4"), with more of the path where two are alike. */
export function runLabels(files: string[]): string[] {
  const parts = files.map((f) => dirname(resolve(f)).split(sep).filter(Boolean));
  for (let depth = 1; ; depth++) {
    const labels = parts.map((p, i) => (p.length ? p.slice(-depth).join('/') : basename(files[i])));
    if (new Set(labels).size === labels.length || parts.every((p) => p.length <= depth)) {
      return labels.map((l, i) => (labels.indexOf(l) === i ? l : `${l} (${i + 1})`));
    }
  }
}

export function compareReports(files: string[], labels?: string[]): Comparison {
  if (files.length < 2) {
    throw new TinyforgeError('bad-argument', `compare needs two or more report.json files, got ${files.length}`, {
      hint: 'tinyforge compare a/report.json b/report.json -o cmp.html',
    });
  }
  if (labels && labels.length !== files.length) {
    throw new TinyforgeError(
      'bad-argument',
      `--labels gives ${labels.length} label${labels.length === 1 ? '' : 's'} for ${files.length} reports`,
      {
        location: { field: '--labels' },
        hint: 'give one comma-separated label per report.json, in the same order',
      },
    );
  }
  const names = labels ?? runLabels(files);
  const runs = files.map((file, i) => {
    const report = readReport(file);
    return { label: names[i], file, report, figures: figuresOf(report), pareto: false };
  });
  const pareto = paretoFronts(runs.map((r) => ({ id: r.label, board: r.report.board, figures: r.figures })));
  const front = new Set(Object.values(pareto).flat());
  for (const r of runs) r.pareto = front.has(r.label);
  return { runs, pareto };
}
