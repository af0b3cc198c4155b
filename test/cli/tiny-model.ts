// A small seeded MLP written as an ONNX file, so CLI tests exercise the real import → deploy path in seconds.
import { writeFileSync } from 'node:fs';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { exportOnnx } from '../../src/import/onnx-export.ts';

/** `hidden` units in its one hidden layer (16: 12,730 params). */
export function writeTinyMlp(path: string, seed = 1, hidden = 16): void {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.2;
  const b = new GraphBuilder('tiny-mlp');
  b.input('x', [1, 784]);
  const w1 = b.constant('fc1.weight', Float32Array.from({ length: hidden * 784 }, rnd), [hidden, 784]);
  const b1 = b.constant('fc1.bias', Float32Array.from({ length: hidden }, rnd), [hidden]);
  const h = b.node('Dense', ['x', w1, b1], { activation: 'relu' }, 'hidden');
  const w2 = b.constant('fc2.weight', Float32Array.from({ length: 10 * hidden }, rnd), [10, hidden]);
  const b2 = b.constant('fc2.bias', Float32Array.from({ length: 10 }, rnd), [10]);
  const logits = b.node('Dense', [h, w2, b2], { activation: 'none' }, 'logits');
  b.output(b.node('Softmax', [logits], { axis: -1, beta: 1 }, 'prob'));
  b.metadata({ preprocess: { scale: 1 / 255, mean: [0], std: [1] } });
  writeFileSync(path, exportOnnx(b.build()));
}
