// Shared test fixtures for src/defend: a tiny MLP trained on an MNIST slice (fixed seeds, a few seconds on WASM).
import { type Dataset } from '../../src/data/dataset.ts';
import { loadDataset } from '../../src/data/load-dataset.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { initWeights } from '../../src/train/init.ts';
import { trainGraph } from '../../src/train/train.ts';

const zeros = (n: number) => new Float32Array(n);
export const MNIST_PREPROCESS = { scale: 1 / 255, mean: [0], std: [1] };

/** 784-32-10 MLP with a softmax output, MNIST preprocessing (pixels / 255). */
export function tinyMlp(seed: number, hidden = 32): Graph {
  const b = new GraphBuilder('tiny-mlp');
  const x = b.input('input', [1, 28, 28, 1]);
  let h = b.node('Reshape', [x], { shape: [1, 784] }, 'flat');
  h = b.node(
    'Dense',
    [h, b.constant('w1', zeros(hidden * 784), [hidden, 784]), b.constant('b1', zeros(hidden), [hidden])],
    { activation: 'relu' },
    'h1',
  );
  h = b.node('Dense', [h, b.constant('w2', zeros(hidden * 10), [10, hidden]), b.constant('b2', zeros(10), [10])], {}, 'logits');
  b.output(b.node('Softmax', [h], {}, 'probs'));
  b.metadata({ preprocess: MNIST_PREPROCESS });
  return initWeights(b.build(), seed);
}

export async function mnistSlices(trainN: number, testN: number): Promise<{ train: Dataset; test: Dataset }> {
  return {
    train: await loadDataset('mnist', { split: 'train', limit: trainN }),
    test: await loadDataset('mnist', { split: 'test', limit: testN }),
  };
}

/** The tiny MLP trained on `train` (3 epochs, seed 1). */
export async function trainedMlp(train: Dataset): Promise<Graph> {
  return (await trainGraph(tinyMlp(1), train, { epochs: 3, batchSize: 32, learningRate: 2e-3, seed: 1 })).graph;
}
