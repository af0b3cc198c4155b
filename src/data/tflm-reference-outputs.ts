// The on-device outputs TFLM + CMSIS-NN printed for the MLPerf Tiny samples (examples/mlperf-tiny/*/reference_outputs/*.csv),
// parsed once here so the KWS reference test and the MLPerf benchmark compare against the same reading.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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
      throw new TinyforgeError(
        'bad-reference-outputs',
        `line ${i + 2} of ${path} has ${f.length} fields (want ${columns}, all numeric after the file name)`,
        {
          location: { file: path, field: `line ${i + 2}` },
        },
      );
    }
    return { file: f[0], label: nums[0], argmax: nums[1], values: nums.slice(2) };
  });
}

/** How the reference firmware printed its 3 decimals: KWS truncated them, VWW and IC rounded. */
export type TflmPrinting = 'truncated' | 'rounded';

/** The printing of each benchmark's reference outputs (examples/mlperf-tiny/README.md), by folder id. */
export const TFLM_PRINTING: Record<string, TflmPrinting> = { kws01: 'truncated', vww01: 'rounded', ic01: 'rounded' };

/**
 * The int8 output codes printed the way the reference firmware printed them: (q − zp) · scale with 3 decimals, truncated
 * (KWS) or rounded. Distinct codes are 1/256 apart, so equal printed text means equal output bytes.
 */
export function printedLikeTflm(q: ArrayLike<number>, zeroPoint = -128, scale = 1 / 256, printing: TflmPrinting = 'truncated'): number[] {
  const cut = printing === 'truncated' ? Math.trunc : Math.round;
  return Array.from(q, (v) => cut((v - zeroPoint) * scale * 1000) / 1000);
}

/** True when `q` printed like the firmware equals the device's row. */
export function sameAsTflm(
  q: ArrayLike<number>,
  row: TflmDeviceRow,
  zeroPoint = -128,
  scale = 1 / 256,
  printing: TflmPrinting = 'truncated',
): boolean {
  const printed = printedLikeTflm(q, zeroPoint, scale, printing);
  return printed.length === row.values.length && printed.every((v, k) => Math.abs(v - row.values[k]) < 1e-9);
}

/** TFLM's outputs for the samples in `folder`: the one `reference_outputs/*.csv` beside it (kws01/samples →
 *  kws01/reference_outputs/), printed as its benchmark printed them. */
export function referenceOutputsBeside(folder: string): { file: string; printing: TflmPrinting } | undefined {
  const trimmed = folder.replace(/[\\/]+$/, '');
  const dir = join(dirname(trimmed), 'reference_outputs');
  let csvs: string[];
  try {
    if (!statSync(dir).isDirectory()) return undefined;
    csvs = readdirSync(dir).filter((f) => f.endsWith('.csv'));
  } catch {
    return undefined;
  }
  if (csvs.length !== 1) return undefined;
  const benchmark = basename(dirname(trimmed));
  return { file: join(dir, csvs[0]), printing: TFLM_PRINTING[benchmark] ?? 'rounded' };
}

/** How outputs compare with TFLM's: samples matched by file name, same top-1, and identical output bytes (int8
 *  outputs only; null for a float model, whose printed values cannot be equal bytes). */
export interface TflmComparison {
  file: string;
  samples: number;
  same_top1: number;
  identical: number | null;
}

/**
 * Collects the comparison sample by sample. `output` is what the model gave for the sample stored in `sampleFile`;
 * `quant` is the output's int8 quantization (absent for float outputs). Samples the CSV does not list are not counted.
 */
export function tflmComparer(csv: string, printing: TflmPrinting, quant?: { scale: number; zeroPoint: number }) {
  const rows = new Map(readTflmDeviceOutputs(csv).map((r) => [r.file, r]));
  const result: TflmComparison = { file: csv, samples: 0, same_top1: 0, identical: quant ? 0 : null };
  return {
    add(sampleFile: string, output: ArrayLike<number>): void {
      const row = rows.get(sampleFile);
      if (!row) return;
      result.samples++;
      let top = 0;
      for (let k = 1; k < output.length; k++) if (output[k] > output[top]) top = k;
      if (top === row.argmax) result.same_top1++;
      if (quant && result.identical !== null && sameAsTflm(output, row, quant.zeroPoint, quant.scale, printing)) result.identical++;
    },
    result: (): TflmComparison => ({ ...result }),
  };
}
