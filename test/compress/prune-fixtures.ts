// Small seeded models and MNIST slices shared by the pruning-family tests (kept tiny so each file stays well under 60 s).
import { type Dataset } from '../../src/data/dataset.ts';
import { loadDataset } from '../../src/data/load-dataset.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { initWeights } from '../../src/train/init.ts';
import { trainGraph } from '../../src/train/train.ts';

const PRE = { scale: 1 / 255, mean: [0], std: [1] };
const zeros = (...s: number[]) => new Float32Array(s.reduce((a, b) => a * b, 1));
const conv = (act: 'relu' | 'none' = 'relu') => ({
  strides: [1, 1] as [number, number],
  dilations: [1, 1] as [number, number],
  pads: [1, 1, 1, 1] as [number, number, number, number],
  groups: 1,
  activation: act,
});
const pool = {
  kernel: [2, 2] as [number, number],
  strides: [2, 2] as [number, number],
  pads: [0, 0, 0, 0] as [number, number, number, number],
  activation: 'none' as const,
};

/** 784-h1-h2-10 MLP with a softmax output. */
export function mlp(seed: number, h1 = 64, h2 = 32): Graph {
  const b = new GraphBuilder('mlp');
  let h = b.node('Reshape', [b.input('input', [1, 28, 28, 1])], { shape: [1, 784] }, 'flatten');
  h = b.node(
    'Dense',
    [h, b.constant('fc1.w', zeros(h1, 784), [h1, 784]), b.constant('fc1.b', zeros(h1), [h1])],
    { activation: 'relu' },
    'fc1',
  );
  h = b.node(
    'Dense',
    [h, b.constant('fc2.w', zeros(h2, h1), [h2, h1]), b.constant('fc2.b', zeros(h2), [h2])],
    { activation: 'relu' },
    'fc2',
  );
  h = b.node('Dense', [h, b.constant('fc3.w', zeros(10, h2), [10, h2]), b.constant('fc3.b', zeros(10), [10])], {}, 'logits');
  b.output(b.node('Softmax', [h], { axis: -1 }, 'probs'));
  b.metadata({ preprocess: PRE });
  return initWeights(b.build(), seed);
}

/** conv(c1) → pool → conv(c2) → pool → flatten → dense 10, like examples/mnist-cnn. */
export function cnn(seed: number, c1 = 8, c2 = 16): Graph {
  const b = new GraphBuilder('cnn');
  let h = b.node(
    'Conv2D',
    [b.input('input', [1, 28, 28, 1]), b.constant('conv1.w', zeros(c1, 3, 3, 1), [c1, 3, 3, 1]), b.constant('conv1.b', zeros(c1), [c1])],
    conv(),
    'conv1',
  );
  h = b.node('MaxPool', [h], pool, 'pool1');
  h = b.node(
    'Conv2D',
    [h, b.constant('conv2.w', zeros(c2, 3, 3, c1), [c2, 3, 3, c1]), b.constant('conv2.b', zeros(c2), [c2])],
    conv(),
    'conv2',
  );
  h = b.node('MaxPool', [h], pool, 'pool2');
  h = b.node('Reshape', [h], { shape: [1, 49 * c2] }, 'flatten');
  h = b.node('Dense', [h, b.constant('fc.w', zeros(10, 49 * c2), [10, 49 * c2]), b.constant('fc.b', zeros(10), [10])], {}, 'logits');
  b.output(b.node('Softmax', [h], { axis: -1 }, 'probs'));
  b.metadata({ preprocess: PRE });
  return initWeights(b.build(), seed);
}

export async function mnistSlice(limit: number, split: 'train' | 'test' = 'train'): Promise<Dataset> {
  return loadDataset('mnist', { split, limit });
}

/** A model trained briefly on a small slice (seeded). */
export async function trained(g: Graph, ds: Dataset, epochs = 2): Promise<Graph> {
  return (await trainGraph(g, ds, { epochs, batchSize: 64, learningRate: 2e-3, seed: 3 })).graph;
}

/** One preprocessed MNIST sample as a graph input. */
export function sampleInput(ds: Dataset, i: number): Record<string, Float32Array> {
  return { input: Float32Array.from(ds.get(i).x, (v) => v / 255) };
}
