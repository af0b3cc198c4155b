// Calibration: runs the float reference interpreter over sample inputs and records each activation's range,
// as min/max or as a percentile range from a histogram (clips rare outliers so common values keep resolution).

import { TinyforgeError } from '../diagnostics.ts';
import type { Graph, TensorData } from '../ir/graph.ts';
import { runGraph } from '../reference/interpreter.ts';

export interface TensorRange {
  min: number;
  max: number;
}

export interface CalibrateOptions {
  /** Keep this percentage of values inside the range on each side: 100 = plain min/max; 99.99 clips the 0.01 % tails. */
  percentile?: number;
  /** Histogram bins between the observed min and max (percentile mode). */
  bins?: number;
  /** Called after each sample with (done, total) over both passes. */
  onProgress?: (done: number, total: number) => void;
}

/** Ranges of every non-constant tensor (graph inputs and node outputs), keyed by tensor name. */
export function calibrate(g: Graph, samples: Record<string, TensorData>[], opts: CalibrateOptions = {}): Record<string, TensorRange> {
  const percentile = opts.percentile ?? 100;
  if (samples.length === 0) {
    throw new TinyforgeError('no-calibration-data', `calibrating "${g.name}" needs at least one sample input`, {
      hint: 'give a dataset (--dataset) so calibration samples exist; as a library, pass data.calibration to runPipeline',
    });
  }
  if (!(percentile > 50 && percentile <= 100)) {
    throw new TinyforgeError('bad-argument', `calibration percentile must be in (50, 100], got ${percentile}`);
  }
  const twoPasses = percentile < 100;
  const total = samples.length * (twoPasses ? 2 : 1);
  let done = 0;

  // Pass 1: min/max.
  const ranges: Record<string, TensorRange> = Object.create(null);
  for (const sample of samples) {
    const { values } = runGraph(g, sample, { collect: true });
    for (const [name, data] of Object.entries(values ?? {})) {
      if (!(data instanceof Float32Array)) continue;
      const r = (ranges[name] ??= { min: Infinity, max: -Infinity });
      for (let i = 0; i < data.length; i++) {
        const v = data[i];
        if (v < r.min) r.min = v;
        if (v > r.max) r.max = v;
      }
    }
    opts.onProgress?.(++done, total);
  }
  if (!twoPasses) return ranges;

  // Pass 2: histogram over [min, max] of each tensor, then the percentile edges.
  const bins = opts.bins ?? 2048;
  const hists: Record<string, Float64Array> = Object.create(null);
  for (const name of Object.keys(ranges)) hists[name] = new Float64Array(bins);
  for (const sample of samples) {
    const { values } = runGraph(g, sample, { collect: true });
    for (const [name, data] of Object.entries(values ?? {})) {
      const h = hists[name];
      if (!h || !(data instanceof Float32Array)) continue;
      const { min, max } = ranges[name];
      const width = (max - min) / bins;
      for (let i = 0; i < data.length; i++) {
        const b = width > 0 ? Math.min(bins - 1, Math.floor((data[i] - min) / width)) : 0;
        h[b]++;
      }
    }
    opts.onProgress?.(++done, total);
  }
  const out: Record<string, TensorRange> = Object.create(null);
  for (const [name, r] of Object.entries(ranges)) out[name] = percentileRange(hists[name], r, percentile);
  return out;
}

/** The [lower, upper] edges that keep `percentile` % of the histogram's mass on each side. */
export function percentileRange(hist: Float64Array, range: TensorRange, percentile: number): TensorRange {
  const bins = hist.length;
  const width = (range.max - range.min) / bins;
  if (!(width > 0)) return { ...range };
  let count = 0;
  for (const c of hist) count += c;
  const tail = (count * (100 - percentile)) / 100;
  // Lower edge: left edge of the first bin whose cumulative count exceeds the tail.
  let cum = 0;
  let lo = 0;
  while (lo < bins - 1 && cum + hist[lo] <= tail) cum += hist[lo++];
  // Upper edge: right edge of the last bin whose cumulative count from the top exceeds the tail.
  cum = 0;
  let hi = bins - 1;
  while (hi > lo && cum + hist[hi] <= tail) cum += hist[hi--];
  return { min: range.min + lo * width, max: Math.min(range.max, range.min + (hi + 1) * width) };
}
