// The flags of `sweep` and `test` that describe limits (flash, RAM, latency, top-1) and lists, parsed into numbers the
// sweep compares; loaded with the command line, so it imports nothing heavy.
import type { Command } from 'commander';
import { TinyforgeError } from '../diagnostics.ts';
import type { Limits } from '../report/pareto.ts';

/** "64K", "1.5M", "20000" → bytes (K = 1024). */
export function byteSize(flag: string): (v: string) => number {
  return (v) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]i?[bB]?|[bB])?\s*$/.exec(v);
    const n = m ? Number(m[1]) * (m[2]?.[0]?.toLowerCase() === 'k' ? 1024 : m[2]?.[0]?.toLowerCase() === 'm' ? 1024 * 1024 : 1) : NaN;
    if (!Number.isFinite(n) || n <= 0)
      throw new TinyforgeError('bad-argument', `--${flag} ${v}: not a size in bytes`, { hint: `e.g. --${flag} 65536 or --${flag} 64K` });
    return Math.floor(n);
  };
}

export function positiveNumber(flag: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0)
      throw new TinyforgeError('bad-argument', `--${flag} ${v}: must be a number > 0`, { hint: `e.g. --${flag} 50` });
    return n;
  };
}

/** A top-1 as a fraction: "0.97" or "97%". */
export function fraction(flag: string): (v: string) => number {
  return (v) => {
    const n = v.trim().endsWith('%') ? Number(v.trim().slice(0, -1)) / 100 : Number(v);
    if (!Number.isFinite(n) || n < 0 || n > 1)
      throw new TinyforgeError('bad-argument', `--${flag} ${v}: must be a fraction 0–1 or a percentage`, {
        hint: `e.g. --${flag} 0.97 or --${flag} 97%`,
      });
    return n;
  };
}

export const commaList = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export interface LimitFlags {
  maxFlash?: number;
  maxRam?: number;
  maxLatencyMs?: number;
  minTop1?: number;
}

export function limitOptions(cmd: Command): Command {
  return cmd
    .option('--max-flash <bytes>', 'points must fit this flash (bytes; 64K, 1M accepted)', byteSize('max-flash'))
    .option('--max-ram <bytes>', 'points must fit this static RAM (data + bss, arena included)', byteSize('max-ram'))
    .option(
      '--max-latency-ms <ms>',
      "points must run one inference within this (ms at the board's clock)",
      positiveNumber('max-latency-ms'),
    )
    .option('--min-top1 <fraction>', 'points must reach this device top-1 (0.97 or 97%)', fraction('min-top1'));
}

export function limitsOf(f: LimitFlags): Limits {
  return {
    ...(f.maxFlash !== undefined ? { max_flash_bytes: f.maxFlash } : {}),
    ...(f.maxRam !== undefined ? { max_ram_bytes: f.maxRam } : {}),
    ...(f.maxLatencyMs !== undefined ? { max_latency_ms: f.maxLatencyMs } : {}),
    ...(f.minTop1 !== undefined ? { min_top1: f.minTop1 } : {}),
  };
}
