// Which runs are worth having: the Pareto front per board (no other point on that board is at least as good
// in top-1, latency, flash and RAM and better in one), the points within the user's limits, and the one recommended.
import type { RunFigures } from './figures.ts';

export interface Limits {
  max_flash_bytes?: number;
  max_ram_bytes?: number;
  max_latency_ms?: number;
  /** Fraction 0–1. */
  min_top1?: number;
  /** Fraction 0–1 of outputs that must agree with the reference interpreter (1 = every one). */
  min_agreement?: number;
}

export interface Point {
  id: string;
  board: string;
  figures: RunFigures;
}

/** Each limit a point breaks, worded with both figures, e.g. "flash 275,660 B > max_flash_bytes 100,000 B". */
export function limitFailures(f: RunFigures, limits: Limits): string[] {
  const n = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 4 });
  const out: string[] = [];
  if (limits.max_flash_bytes !== undefined && f.flash_bytes > limits.max_flash_bytes)
    out.push(`max_flash_bytes: flash ${n(f.flash_bytes)} B > ${n(limits.max_flash_bytes)} B`);
  if (limits.max_ram_bytes !== undefined && f.ram_bytes > limits.max_ram_bytes)
    out.push(`max_ram_bytes: static RAM ${n(f.ram_bytes)} B > ${n(limits.max_ram_bytes)} B`);
  if (limits.max_latency_ms !== undefined) {
    if (f.latency_ms === null) out.push(`max_latency_ms: latency is unavailable on this board (${f.latency_unit})`);
    else if (f.latency_ms > limits.max_latency_ms)
      out.push(`max_latency_ms: latency ${n(f.latency_ms)} ms > ${n(limits.max_latency_ms)} ms`);
  }
  if (limits.min_top1 !== undefined && (f.device_top1 ?? -1) < limits.min_top1)
    out.push(`min_top1: device top-1 ${f.device_top1 === null ? '—' : n(f.device_top1)} < ${n(limits.min_top1)}`);
  if (limits.min_agreement !== undefined && (f.agreement ?? -1) < limits.min_agreement)
    out.push(`agreement: ${f.agreement === null ? '—' : n(f.agreement)} < ${n(limits.min_agreement)}`);
  return out;
}

/** Objectives as "smaller is better" numbers; a latency the board cannot measure counts as worst. */
function costs(f: RunFigures): number[] {
  return [-(f.device_top1 ?? -Infinity), f.latency ?? Infinity, f.flash_bytes, f.ram_bytes];
}

/** Whether a is at least as good as b in every objective and better in one. */
export function dominates(a: RunFigures, b: RunFigures): boolean {
  const ca = costs(a);
  const cb = costs(b);
  return ca.every((v, i) => v <= cb[i]) && ca.some((v, i) => v < cb[i]);
}

/** The ids on the Pareto front of each board, in the order the points came. */
export function paretoFronts(points: Point[]): Record<string, string[]> {
  const fronts: Record<string, string[]> = {};
  for (const p of points) {
    fronts[p.board] ??= [];
    if (!points.some((q) => q.board === p.board && q.id !== p.id && dominates(q.figures, p.figures))) fronts[p.board].push(p.id);
  }
  return fronts;
}

export const RECOMMENDATION_RULE =
  'the highest device top-1 among the points within the limits; on a tie the lower latency (ms at the board clock), then the smaller flash';

/** The point recommended among those within the limits (see RECOMMENDATION_RULE), or undefined when none is. */
export function recommend(points: Point[], limits: Limits): Point | undefined {
  const ok = points.filter((p) => limitFailures(p.figures, limits).length === 0);
  const key = (p: Point): number[] => [-(p.figures.device_top1 ?? -Infinity), p.figures.latency_ms ?? Infinity, p.figures.flash_bytes];
  return ok.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
    return 0;
  })[0];
}
