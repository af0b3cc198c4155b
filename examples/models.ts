// The example models' architectures, as IR graphs with seeded He-normal weights (trained by examples/train.ts).
import type { Graph } from '../src/ir/graph.ts';
import { GraphBuilder } from '../src/ir/builder.ts';
import { initWeights } from '../src/train/init.ts';

/** Pixels 0..255 → 0..1, as the models are trained. */
const MNIST_PREPROCESS = { scale: 1 / 255, mean: [0], std: [1] };
const zeros = (...shape: number[]) => new Float32Array(shape.reduce((a, b) => a * b, 1));

/** LeNet-300-100: 784-300-100-10 with ReLU and a softmax output (266,610 params). */
export function mnistLenet300(seed: number): Graph {
  const b = new GraphBuilder('mnist-lenet300');
  const x = b.input('input', [1, 28, 28, 1]);
  let h = b.node('Reshape', [x], { shape: [1, 784] }, 'flatten');
  h = b.node('Dense', [h, b.constant('fc1.weight', zeros(300, 784), [300, 784]), b.constant('fc1.bias', zeros(300), [300])], { activation: 'relu' }, 'fc1');
  h = b.node('Dense', [h, b.constant('fc2.weight', zeros(100, 300), [100, 300]), b.constant('fc2.bias', zeros(100), [100])], { activation: 'relu' }, 'fc2');
  h = b.node('Dense', [h, b.constant('fc3.weight', zeros(10, 100), [10, 100]), b.constant('fc3.bias', zeros(10), [10])], {}, 'logits');
  b.output(b.node('Softmax', [h], { axis: -1 }, 'probs'));
  b.metadata({ preprocess: MNIST_PREPROCESS, inputLayout: 'NCHW', labels: [...'0123456789'] });
  return initWeights(b.build(), seed);
}

/** A micro:bit-sized CNN: conv3x3x8 → relu → maxpool2 → conv3x3x16 → relu → maxpool2 → dense 10 → softmax. */
export function mnistCnn(seed: number): Graph {
  const b = new GraphBuilder('mnist-cnn');
  const x = b.input('input', [1, 28, 28, 1]);
  const conv = { strides: [1, 1] as [number, number], dilations: [1, 1] as [number, number], pads: [1, 1, 1, 1] as [number, number, number, number], groups: 1, activation: 'relu' as const };
  const pool = { kernel: [2, 2] as [number, number], strides: [2, 2] as [number, number], pads: [0, 0, 0, 0] as [number, number, number, number], activation: 'none' as const };
  let h = b.node('Conv2D', [x, b.constant('conv1.weight', zeros(8, 3, 3, 1), [8, 3, 3, 1]), b.constant('conv1.bias', zeros(8), [8])], conv, 'conv1');
  h = b.node('MaxPool', [h], pool, 'pool1');
  h = b.node('Conv2D', [h, b.constant('conv2.weight', zeros(16, 3, 3, 8), [16, 3, 3, 8]), b.constant('conv2.bias', zeros(16), [16])], conv, 'conv2');
  h = b.node('MaxPool', [h], pool, 'pool2');
  h = b.node('Reshape', [h], { shape: [1, 784] }, 'flatten');
  h = b.node('Dense', [h, b.constant('fc.weight', zeros(10, 784), [10, 784]), b.constant('fc.bias', zeros(10), [10])], {}, 'logits');
  b.output(b.node('Softmax', [h], { axis: -1 }, 'probs'));
  b.metadata({ preprocess: MNIST_PREPROCESS, inputLayout: 'NCHW', labels: [...'0123456789'] });
  return initWeights(b.build(), seed);
}
