// On-device measurement: streams samples to a running device, times them, and compares every output with the
// reference interpreter (int8: identical bytes; float: same top-1, and the largest difference).
import type { Graph, TensorData } from '../ir/graph.ts';
import type { Dataset } from '../data/dataset.ts';
import { runGraph } from '../reference/interpreter.ts';
import { predictedClass, sampleInput } from '../reference/model-input.ts';
import type { DeviceSession } from './device-session.ts';
import type { LatencyUnit } from '../build/boards.ts';
import { bytesOf, tensorValues } from './io-buffers.ts';

export interface DeviceMeasurement {
  samples: number;
  unit: LatencyUnit;
  latencies: number[];
  /** null when the samples have no labels (synthetic inputs). */
  deviceTop1: number | null;
  referenceTop1: number | null;
  /** int8: fraction with identical output bytes; float: fraction with the same top-1. */
  agreement: number;
  agreementKind: 'identical-bytes' | 'same-top1';
  /** Largest |device − reference| over all outputs (float models), 0 for identical int8 outputs. */
  maxAbsDiff: number;
  devicePredictions: number[];
  /** Each sample's label, in the order of devicePredictions; empty when the samples have no labels. */
  labels: number[];
}

/** The device's output bytes as the graph's (first) output tensor. */
export const outputValues = (g: Graph, bytes: Uint8Array): TensorData => tensorValues(g.tensors[g.outputs[0]].dtype, bytes);

export async function measureOnDevice(
  session: DeviceSession,
  g: Graph,
  data: Dataset,
  opts: {
    samples: number;
    onProgress?: (done: number, total: number) => void;
    /** Sees each sample's device output (e.g. to compare it with another implementation's). */
    onOutput?: (index: number, output: TensorData) => void;
  },
): Promise<DeviceMeasurement> {
  const n = Math.min(opts.samples, data.size);
  const int8 = g.tensors[g.outputs[0]].dtype !== 'f32';
  const latencies: number[] = [];
  const devicePredictions: number[] = [];
  const labels: number[] = [];
  let unit: LatencyUnit = 'unavailable';
  let devCorrect = 0;
  let refCorrect = 0;
  let agree = 0;
  let maxAbsDiff = 0;
  for (let i = 0; i < n; i++) {
    const sample = data.get(i);
    const { label } = sample;
    const input = sampleInput(g, sample);
    const r = await session.run(bytesOf(input));
    unit = r.latency.unit;
    if (r.latency.value !== null) latencies.push(r.latency.value);
    const dev = outputValues(g, r.output);
    opts.onOutput?.(i, dev);
    const ref = runGraph(g, { [g.inputs[0]]: input }).outputs[g.outputs[0]];
    const pd = predictedClass(g, dev);
    const pr = predictedClass(g, ref);
    devicePredictions.push(pd);
    labels.push(label);
    if (pd === label) devCorrect++;
    if (pr === label) refCorrect++;
    let same = int8 ? dev.length === ref.length : pd === pr;
    for (let k = 0; k < ref.length; k++) {
      const d = Math.abs(Number(dev[k]) - Number(ref[k]));
      if (d > maxAbsDiff) maxAbsDiff = d;
      if (int8 && d !== 0) same = false;
    }
    if (same) agree++;
    opts.onProgress?.(i + 1, n);
  }
  return {
    samples: n,
    unit,
    latencies,
    deviceTop1: data.unlabeled ? null : devCorrect / n,
    referenceTop1: data.unlabeled ? null : refCorrect / n,
    agreement: agree / n,
    agreementKind: int8 ? 'identical-bytes' : 'same-top1',
    maxAbsDiff,
    devicePredictions,
    labels: data.unlabeled ? [] : labels,
  };
}
