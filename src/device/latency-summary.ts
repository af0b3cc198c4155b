// Turns per-inference device latencies into report.json's `latency` block {unit, median, p90, clock_hz, ms}.
import type { Board, LatencyUnit } from '../build/boards.ts';
import type { Latency } from './device-session.ts';

export interface LatencySummary {
  unit: LatencyUnit;
  /** null when the board has no trustworthy timer (unit 'unavailable'). */
  median: number | null;
  p90: number | null;
  samples: number;
  clock_hz: number;
  /**
   * Milliseconds. Cycles: cycles / clock. Nanoseconds: as measured. Instructions (emulated): an estimate at one
   * instruction per cycle at the board's clock — the `ms_note` says so, and it is never a hardware figure.
   */
  ms: number | null;
  ms_note?: string;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summarizeLatency(board: Board, latencies: Latency[]): LatencySummary {
  const unit = latencies[0]?.unit ?? board.cycleCounter.unit;
  const values = latencies
    .map((l) => l.value)
    .filter((v): v is number => v !== null)
    .sort((a, b) => a - b);
  if (unit === 'unavailable' || values.length === 0) {
    return {
      unit: 'unavailable',
      median: null,
      p90: null,
      samples: latencies.length,
      clock_hz: board.clockHz,
      ms: null,
      ms_note: board.cycleCounter.note,
    };
  }
  const median = percentile(values, 50);
  const p90 = percentile(values, 90);
  const base = { unit, median, p90, samples: values.length, clock_hz: board.clockHz };
  if (unit === 'nanoseconds') return { ...base, ms: median / 1e6 };
  if (unit === 'cycles') return { ...base, ms: board.clockHz > 0 ? (median / board.clockHz) * 1000 : null };
  return {
    ...base,
    ms: board.clockHz > 0 ? (median / board.clockHz) * 1000 : null,
    ms_note: `estimate: ${median} emulated instructions at 1 per cycle and ${board.clockHz / 1e6} MHz; not measured on hardware`,
  };
}
