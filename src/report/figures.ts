// The figures of one run that sweeps, regression specs and comparisons judge it by, read from its report.json.
import type { Report } from './report.ts';

export interface RunFigures {
  device_top1: number | null;
  reference_top1: number | null;
  float_top1: number | null;
  agreement: number | null;
  latency_unit: Report['latency']['unit'];
  latency: number | null;
  latency_ms: number | null;
  flash_bytes: number;
  ram_bytes: number;
  arena_bytes: number;
  stack_bytes: number | null;
  weight_bytes: number;
  ratio: number;
}

export function figuresOf(r: Report): RunFigures {
  return {
    device_top1: r.accuracy.device_top1,
    reference_top1: r.accuracy.reference_top1,
    float_top1: r.accuracy.float_top1 ?? null,
    agreement: r.accuracy.agreement,
    latency_unit: r.latency.unit,
    latency: r.latency.median,
    latency_ms: r.latency.median === null ? null : r.latency.ms,
    flash_bytes: r.memory.flash_bytes,
    ram_bytes: r.memory.ram_bytes,
    arena_bytes: r.memory.arena_bytes,
    stack_bytes: r.memory.stack_bytes,
    weight_bytes: r.compression.compressed_bytes,
    ratio: r.compression.ratio,
  };
}
