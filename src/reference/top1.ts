// Top-1 of a model on a dataset by the reference interpreter (no onnxruntime, no export: training steps call it).
import type { Graph, TensorData } from '../ir/graph.ts';
import type { Dataset, Sample } from '../data/dataset.ts';
import { runGraph } from './interpreter.ts';
import { predictedClass, sampleInput } from './model-input.ts';

/** The model's input for `sample` and the class the reference interpreter predicts for it. */
export function predictSample(g: Graph, sample: Sample): { input: TensorData; predicted: number } {
  const input = sampleInput(g, sample);
  return { input, predicted: predictedClass(g, runGraph(g, { [g.inputs[0]]: input }).outputs[g.outputs[0]]) };
}

/** Fraction of the first `limit` samples (all by default) whose predicted class is the label. */
export function referenceTop1(g: Graph, data: Dataset, limit = data.size): number {
  const n = Math.min(limit, data.size);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const sample = data.get(i);
    if (predictSample(g, sample).predicted === sample.label) correct++;
  }
  return correct / n;
}
