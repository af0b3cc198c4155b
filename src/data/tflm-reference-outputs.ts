// The on-device outputs TFLM + CMSIS-NN printed for the MLPerf Tiny samples (examples/mlperf-tiny/*/reference_outputs/*.csv),
// parsed once here so the KWS reference test and the MLPerf benchmark compare against the same reading.
import { readFileSync } from 'node:fs';
import { TinyforgeError } from '../diagnostics.ts';

export interface TflmDeviceRow {
  file: string;
  label: number;
  /** The class the device printed as its answer (first maximum, like np.argmax). */
  argmax: number;
  /** Dequantized outputs as printed: (q + 128) / 256 with 3 decimals (KWS truncated, the others rounded). */
  values: number[];
}

/** Reads `file,label,device_argmax,out0..outN` rows; a wrong header or a short row names the line. */
export function readTflmDeviceOutputs(path: string): TflmDeviceRow[] {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  if (!lines[0]?.startsWith('file,label,device_argmax,out0')) {
    throw new TinyforgeError('bad-reference-outputs', `${path} does not start with the header "file,label,device_argmax,out0,…"`, {
      location: { file: path, field: 'line 1' },
    });
  }
  const columns = lines[0].split(',').length;
  return lines.slice(1).map((l, i) => {
    const f = l.split(',').map((s) => s.trim());
    const nums = f.slice(1).map(Number);
    if (f.length !== columns || nums.some((v) => !Number.isFinite(v))) {
      throw new TinyforgeError('bad-reference-outputs', `line ${i + 2} of ${path} has ${f.length} fields (want ${columns}, all numeric after the file name)`, {
        location: { file: path, field: `line ${i + 2}` },
      });
    }
    return { file: f[0], label: nums[0], argmax: nums[1], values: nums.slice(2) };
  });
}

/**
 * The int8 output codes printed the way the KWS reference firmware printed them: (q + 128) / 256 truncated to
 * 3 decimals. Distinct codes are 1/256 apart, so equal printed text means equal output bytes.
 */
export function printedLikeTflm(q: ArrayLike<number>, zeroPoint = -128, scale = 1 / 256): number[] {
  return Array.from(q, (v) => Math.trunc((v - zeroPoint) * scale * 1000) / 1000);
}

/** True when `q` printed like the firmware equals the device's row. */
export function sameAsTflm(q: ArrayLike<number>, row: TflmDeviceRow): boolean {
  const printed = printedLikeTflm(q);
  return printed.length === row.values.length && printed.every((v, k) => Math.abs(v - row.values[k]) < 1e-9);
}
