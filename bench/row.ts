// What one benchmark row is: the CLI commands a user types, and how the figures are read from their JSON output.

/** One figure of a row, e.g. { label: 'flash', value: 19372, text: '19,372 B flash' }. */
export interface Figure {
  label: string;
  value: number | string | null;
  text: string;
}

/** A target from an issue, checked against what the commands measured. pass null: could not be measured. */
export interface Check {
  name: string;
  target: string;
  measured: string;
  pass: boolean | null;
}

export interface BenchRow {
  /** Stable id for --only, e.g. 'kws-an386'. */
  id: string;
  /** Selects rows with --group. */
  group: 'examples' | 'mlperf' | 'compression' | 'defend' | 'models';
  /** What is measured, as the README's first column says it. */
  what: string;
  /** The commands, without the `node bin/tinyforge.js` prefix; each runs with --json added, in order. */
  commands: string[];
  /** The figures, from the commands' JSON outputs (same order as `commands`). */
  figures(outputs: unknown[]): Figure[];
  /** Targets the issues set for this row. */
  checks?(outputs: unknown[]): Check[];
}

export const fmtInt = (v: number | null | undefined): string =>
  v === null || v === undefined ? '—' : Math.round(v).toLocaleString('en-US');
export const fmtPct = (v: number | null | undefined, digits = 1): string =>
  v === null || v === undefined ? '—' : `${(v * 100).toFixed(digits)}%`;
export const fmtX = (v: number | null | undefined, digits = 2): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : `${v.toFixed(digits)}×`;

/** A check of `measured` against a lower or upper bound. */
export function atLeast(name: string, measured: number | null | undefined, bound: number, show: (v: number) => string): Check {
  return {
    name,
    target: `≥ ${show(bound)}`,
    measured: measured === null || measured === undefined ? '—' : show(measured),
    pass: measured === null || measured === undefined ? null : measured >= bound,
  };
}

export function atMost(name: string, measured: number | null | undefined, bound: number, show: (v: number) => string): Check {
  return {
    name,
    target: `≤ ${show(bound)}`,
    measured: measured === null || measured === undefined ? '—' : show(measured),
    pass: measured === null || measured === undefined ? null : measured <= bound,
  };
}
