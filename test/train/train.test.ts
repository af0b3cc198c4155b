// The training loop on real MNIST slices: a tiny MLP learns well above chance, runs are reproducible, a small CNN trains on WASM.
import { describe, it, expect } from 'vitest';
import { loadDataset } from '../../src/data/load-dataset.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { applyPreprocess } from '../../src/data/preprocess.ts';
import { initBackend } from '../../src/train/backend.ts';
import { evaluate } from '../../src/train/evaluate.ts';
import { initWeights } from '../../src/train/init.ts';
import { logitsTensor, trainGraph } from '../../src/train/train.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';

const zeros = (n: number) => new Float32Array(n);
const preprocess = { scale: 1 / 255, mean: [0], std: [1] };

function tinyMlp(seed: number): Graph {
  const b = new GraphBuilder('tiny-mlp');
  const x = b.input('input', [1, 28, 28, 1]);
  let h = b.node('Reshape', [x], { shape: [1, 784] }, 'flat');
  h = b.node('Dense', [h, b.constant('w1', zeros(32 * 784), [32, 784]), b.constant('b1', zeros(32), [32])], { activation: 'relu' }, 'h1');
  h = b.node('Dense', [h, b.constant('w2', zeros(320), [10, 32]), b.constant('b2', zeros(10), [10])], {}, 'logits');
  b.output(b.node('Softmax', [h], {}, 'probs'));
  b.metadata({ preprocess });
  return initWeights(b.build(), seed);
}

function tinyCnn(seed: number): Graph {
  const b = new GraphBuilder('tiny-cnn');
  const x = b.input('input', [1, 28, 28, 1]);
  let h = b.node(
    'Conv2D',
    [x, b.constant('cw', zeros(4 * 9), [4, 3, 3, 1]), b.constant('cb', zeros(4), [4])],
    { strides: [2, 2], pads: [1, 1, 1, 1] },
    'conv',
  );
  h = b.node(
    'BatchNormalization',
    [h, b.constant('g', zeros(4), [4]), b.constant('be', zeros(4), [4]), b.constant('m', zeros(4), [4]), b.constant('v', zeros(4), [4])],
    {},
    'bn',
  );
  h = b.node('Relu', [h], {}, 'relu');
  h = b.node(
    'DepthwiseConv2D',
    [h, b.constant('dw', zeros(9 * 4), [1, 3, 3, 4]), b.constant('db', zeros(4), [4])],
    { multiplier: 1, pads: [1, 1, 1, 1], activation: 'relu' },
    'dwc',
  );
  h = b.node('MaxPool', [h], { kernel: [2, 2], strides: [2, 2] }, 'pool');
  h = b.node('Reshape', [h], { shape: [1, 196] }, 'flat');
  h = b.node('Dense', [h, b.constant('fw', zeros(1960), [10, 196]), b.constant('fb', zeros(10), [10])], {}, 'logits');
  b.output(h); // no Softmax: the output itself is the logits
  b.metadata({ preprocess });
  return initWeights(b.build(), seed);
}

describe('trainGraph', () => {
  it('trains a tiny MLP on 2k MNIST images to > 80% test top-1 in 2 epochs, reproducibly', async () => {
    const backend = await initBackend();
    expect(['tensorflow', 'wasm', 'cpu']).toContain(backend);
    const train = await loadDataset('mnist', { split: 'train', limit: 2000 });
    const test = await loadDataset('mnist', { split: 'test', limit: 1000 });
    const g = tinyMlp(3);
    expect(logitsTensor(g)).toBe('logits');
    const progress: number[] = [];
    const opts = {
      epochs: 2,
      batchSize: 32,
      learningRate: 3e-3,
      seed: 5,
      onProgress: (_e: number, _b: number, loss: number) => progress.push(loss),
    };
    const r1 = await trainGraph(g, train, opts);
    expect(progress.length).toBe(2 * Math.ceil(2000 / 32));
    expect(r1.history[1]!.loss).toBeLessThan(r1.history[0]!.loss);
    expect(r1.history[0]!.loss).toBeLessThan(Math.log(10));
    const ev = await evaluate(r1.graph, test);
    expect(ev.samples).toBe(1000);
    expect(ev.top1).toBeGreaterThan(0.8);
    // The input graph is untouched and the trained graph runs in the reference interpreter with the same prediction as tfjs.
    expect(Array.from(g.tensors.w2!.data!)).toEqual(Array.from(tinyMlp(3).tensors.w2!.data!));
    let agree = 0;
    for (let i = 0; i < 50; i++) {
      const s = test.get(i);
      const p = runGraph(r1.graph, { input: applyPreprocess(s.x, preprocess) }).outputs.probs as Float32Array;
      agree += Number(p.indexOf(Math.max(...p)) === s.label);
    }
    expect(agree).toBeGreaterThan(35);
    // Same seed, same data → the same weights, bit for bit.
    const r2 = await trainGraph(g, train, { ...opts, onProgress: undefined });
    expect(Array.from(r2.graph.tensors.w1!.data!)).toEqual(Array.from(r1.graph.tensors.w1!.data!));
  });

  it('trains a CNN with batch norm, depthwise conv and pooling (logits output, SGD) and lowers the loss', async () => {
    const train = await loadDataset('mnist', { split: 'train', limit: 600 });
    const r = await trainGraph(tinyCnn(1), train, { epochs: 2, batchSize: 50, learningRate: 0.05, optimizer: 'sgd', seed: 1 });
    expect(r.history[1]!.loss).toBeLessThan(r.history[0]!.loss);
    expect(r.history[1]!.acc).toBeGreaterThan(0.3); // chance is 0.1
    // BN running statistics moved away from their initial 0 / 1.
    expect(Array.from(r.graph.tensors.m!.data!).some((v) => v !== 0)).toBe(true);
  });

  it('rejects bad options', async () => {
    const train = await loadDataset('mnist', { split: 'train', limit: 10 });
    await expect(trainGraph(tinyMlp(1), train, { epochs: 0, batchSize: 8, learningRate: 1e-3 })).rejects.toThrow(TinyforgeError);
  });
});
