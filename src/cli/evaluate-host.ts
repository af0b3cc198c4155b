// Top-1 of a model on a dataset, on the host: by the reference interpreter and, for float models, by onnxruntime-node
// running the user's ONNX file or our export of the graph.
import type { Graph } from '../ir/graph.ts';
import type { Dataset } from '../data/dataset.ts';
import { exportOnnx } from '../import/onnx-export.ts';
import { predictedClass } from '../reference/model-input.ts';
import { loadOnnxRuntime, OnnxRuntimeModel } from '../reference/onnxruntime.ts';
import { predictSample } from '../reference/top1.ts';

export interface HostEvaluation {
  samples: number;
  referenceTop1: number;
  onnxruntimeTop1: number | null;
  /** Set when a float model had no onnxruntime figure because onnxruntime-node is missing: why, and how to add it. */
  onnxruntimeOff?: { reason: string; hint: string };
  /** Predicted class per sample by the reference interpreter. */
  predictions: number[];
}

/**
 * Evaluates the first `limit` samples. onnxruntime runs `onnxBytes` when given (the user's own file),
 * else our export of a float graph; int8 graphs have no onnxruntime figure, and neither does anything without
 * onnxruntime-node installed.
 */
export async function evaluateOnHost(
  g: Graph,
  data: Dataset,
  opts: { limit?: number; onnxBytes?: Uint8Array; onProgress?: (done: number, total: number) => void } = {},
): Promise<HostEvaluation> {
  const n = Math.min(opts.limit ?? data.size, data.size);
  const isFloat = g.tensors[g.inputs[0]].dtype === 'f32';
  const runtime = isFloat ? await loadOnnxRuntime() : undefined;
  const ortModel = runtime?.available ? await OnnxRuntimeModel.load(runtime.ort, opts.onnxBytes ?? exportOnnx(g)) : null;
  let refCorrect = 0;
  let ortCorrect = 0;
  const predictions: number[] = [];
  for (let i = 0; i < n; i++) {
    const sample = data.get(i);
    const { label } = sample;
    const { input, predicted } = predictSample(g, sample);
    predictions.push(predicted);
    if (predicted === label) refCorrect++;
    if (ortModel && predictedClass(g, await ortModel.run(g, input as Float32Array)) === label) ortCorrect++;
    opts.onProgress?.(i + 1, n);
  }
  const onnxruntimeOff = runtime && !runtime.available ? { reason: runtime.reason, hint: runtime.hint } : undefined;
  return { samples: n, referenceTop1: refCorrect / n, onnxruntimeTop1: ortModel ? ortCorrect / n : null, onnxruntimeOff, predictions };
}
