// report.json: the one record of what a deploy or eval measured; docs/report-format.md describes each field.
// Fields may be added; the names below and their meanings stay.
import type { ArenaTimeline } from './arena-timeline.ts';

export interface CompressionStep {
  name: string;
  [key: string]: unknown;
}

export interface CompressionLayer {
  node: string;
  op: string;
  format: string;
  bytes: number;
  params: number;
  kept_weights: number;
}

export interface LayerLatency {
  layer: number;
  node: string;
  op: string;
  latency: number;
  macs: number;
  /** Convolutions' and pools' window [kH, kW] (a 1×1 conv is a pointwise one); absent for other ops. */
  window?: number[];
  /** A layer that runs inside another (tinyforge.json's `fused`: a conv fused into the MaxPool reading it,
   *  src/codegen/conv-pool.ts, or a layer of a banded chain, src/codegen/band-chain.ts): that layer's node. Its work
   *  is timed in that layer, which counts its MACs too (this one's latency is the hook's alone, its macs 0). */
  fused_into?: string;
  /** A layer others run inside: their nodes, in graph order (latency and macs are all of theirs and its own). */
  fused_from?: string[];
}

export interface Report {
  tool: { name: 'tinyforge'; version: string };
  board: string;
  /** What produced the figures: real hardware, an emulator (QEMU), or the host. Never blurred. */
  target: { kind: 'emulator' | 'hardware' | 'host' | 'protocol-peer'; detail: string };
  /** The deployed graph: its constants' values (kept_weights: the non-zero ones), MACs, and arithmetic ('int8' when any
   *  tensor is int8, else 'float32'); per-layer storage is in compression.layers. */
  model: { name: string; path: string; params: number; macs: number; kept_weights?: number; quantization: string };
  compression: {
    /** Every recipe step that made the deployed graph (those of an earlier `compress`, carried in its .tfir.json, first). */
    steps: CompressionStep[];
    /** Float32 bytes of the input model's constants (the float model a .tfir.json came from). */
    original_bytes: number;
    /** Weight bytes actually in flash (every constant array, alignment included). */
    compressed_bytes: number;
    /** original_bytes ÷ compressed_bytes. */
    ratio: number;
    /** The input model's params, MACs and weight bytes as it would deploy uncompressed; its file. */
    params_before?: number;
    macs_before?: number;
    bytes_before?: number;
    source?: string | null;
    /** Per layer, what is in flash: the weight's format (dense-int8, huffman-int8, int4, binary, f16, dense-f32 …) and the
     *  bytes of all the layer's constants. They add up to compressed_bytes. */
    layers?: CompressionLayer[];
    /** Of compressed_bytes, what the board's kernels add by their own weight layout (DSP re-laid rows), when any. */
    layout_bytes?: number;
  };
  memory: {
    flash_bytes: number;
    ram_bytes: number;
    arena_bytes: number;
    /** Stack high-water measured on the device (painted stack), null when not measured. */
    stack_bytes: number | null;
    /** Deepest stack planned from the compiler's frames at compile time, null when not planned. */
    stack_planned_bytes?: number | null;
    /** The stack region the firmware reserves (the linker script's __stack_size, as the device reports it). */
    stack_limit_bytes?: number | null;
    arena_naive_bytes?: number;
    arena_lower_bound_bytes?: number;
    sections?: Record<string, number>;
    /** The memory planner's placement of every intermediate tensor: which layers it lives across, where in the arena. */
    arena_timeline?: ArenaTimeline;
    /** `--stream`: the recurrent state kept between steps, a static buffer of its own (counted in ram_bytes, not in
     *  arena_bytes). */
    state_bytes?: number;
  };
  latency: {
    /** 'instructions' under QEMU -icount, 'cycles' on real cores, 'unavailable' where no honest counter exists. */
    unit: 'instructions' | 'cycles' | 'unavailable';
    median: number | null;
    p90: number | null;
    clock_hz: number;
    /** Estimated milliseconds at clock_hz (assumes one instruction per cycle when unit is instructions). */
    ms: number | null;
    note?: string;
    per_layer?: LayerLatency[];
    /** `--stream`: the inference is reset + `steps` calls of one step; `step` is one step's count (the per-layer counts of
     *  the last step of the first sample, summed), null when not measured. */
    stream?: { steps: number; step: number | null };
  };
  accuracy: {
    samples: number;
    dataset: string;
    device_top1: number | null;
    reference_top1: number | null;
    /** Fraction of samples whose device output bytes equal the reference interpreter's (int8) or whose top-1 equals it (float). */
    agreement: number | null;
    agreement_kind: 'identical-bytes' | 'same-top1';
    /** The original float model's top-1 on the same samples (for a .tfir.json, the float model it came from). */
    float_top1?: number | null;
    /** How the device's outputs compare with TFLM's printed device outputs for the same samples (MLPerf Tiny
     *  `reference_outputs/` beside the dataset folder): samples matched, same top-1, identical output bytes. */
    tflm_reference?: { file: string; samples: number; same_top1: number; identical: number | null };
    /** Class names by index, when the dataset names its classes (image subfolders, CSV text labels). */
    classes?: string[];
    /** How the samples were read (e.g. calibration and test sharing them). */
    notes?: string[];
    /** Why float_top1 is null, when it is. */
    float_note?: string;
    /** confusion[label][device answer]: how many samples of each class the device answered as each class. */
    confusion?: number[][];
  };
  created_at: string;
}

/** Median and 90th percentile of a list (nearest-rank). */
export function summarize(values: number[]): { median: number | null; p90: number | null } {
  if (values.length === 0) return { median: null, p90: null };
  const s = [...values].sort((a, b) => a - b);
  const rank = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  return { median: rank(0.5), p90: rank(0.9) };
}

export function toMs(count: number | null, clockHz: number): number | null {
  return count === null || clockHz <= 0 ? null : (count / clockHz) * 1000;
}
