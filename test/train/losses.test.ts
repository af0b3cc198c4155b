// Losses and straight-through estimators: values and gradients against closed forms.
import { describe, it, expect, beforeAll } from 'vitest';
import { tf } from '../../src/train/tf.ts';
import { initBackend } from '../../src/train/backend.ts';
import { crossEntropy, distillationLoss } from '../../src/train/losses.ts';
import { fakeQuantize, roundSte, signSte } from '../../src/train/ste.ts';

const softmax = (v: number[], t = 1) => {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp((x - m) / t));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};

describe('losses', () => {
  beforeAll(async () => {
    await initBackend();
  });

  const student = [
    [2, -1, 0.5],
    [0, 0, 3],
  ];
  const teacher = [
    [1, 0, 2],
    [-1, 2, 0],
  ];
  const labels = [0, 2];

  it('cross-entropy is the mean −log softmax of the true class', () => {
    const ce = crossEntropy(tf.tensor2d(student), tf.tensor1d(labels, 'int32')).dataSync()[0]!;
    const expected = -(Math.log(softmax(student[0]!)[0]!) + Math.log(softmax(student[1]!)[2]!)) / 2;
    expect(ce).toBeCloseTo(expected, 5);
  });

  it('distillation: α=0 is cross-entropy, α=1 is T²·KL, and its gradient is T·(p_s − p_t)/N', () => {
    const s = tf.tensor2d(student);
    const t = tf.tensor2d(teacher);
    const y = tf.tensor1d(labels, 'int32');
    expect(distillationLoss(s, t, y, { temperature: 4, alpha: 0 }).dataSync()[0]).toBeCloseTo(crossEntropy(s, y).dataSync()[0]!, 5);
    const T = 3;
    let kl = 0;
    student.forEach((row, i) => {
      const ps = softmax(row, T);
      const pt = softmax(teacher[i]!, T);
      kl += pt.reduce((a, p, k) => a + p * Math.log(p / ps[k]!), 0);
    });
    expect(distillationLoss(s, t, y, { temperature: T, alpha: 1 }).dataSync()[0]).toBeCloseTo((T * T * kl) / 2, 4);
    const g = tf
      .grad((z: tf.Tensor) => distillationLoss(z, t, y, { temperature: T, alpha: 1 }))(s)
      .arraySync() as number[][];
    student.forEach((row, i) => {
      const ps = softmax(row, T);
      const pt = softmax(teacher[i]!, T);
      row.forEach((_, k) => expect(g[i]![k]).toBeCloseTo((T * (ps[k]! - pt[k]!)) / 2, 4));
    });
  });
});

describe('straight-through estimators', () => {
  it('round: rounds forward, passes the gradient unchanged', () => {
    const x = tf.tensor1d([0.2, 1.7, -2.5, 3.49]);
    expect(Array.from(roundSte(x).dataSync())).toEqual([0, 2, -2, 3]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(roundSte(v), tf.tensor1d([1, 2, 3, 4]))))(x);
    expect(Array.from(g.dataSync())).toEqual([1, 2, 3, 4]);
  });

  it('sign: ±1 forward (0 → +1), gradient only where |x| ≤ 1', () => {
    const x = tf.tensor1d([-3, -0.5, 0, 0.9, 2]);
    expect(Array.from(signSte(x).dataSync())).toEqual([-1, -1, 1, 1, 1]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(signSte(v)))(x);
    expect(Array.from(g.dataSync())).toEqual([0, 1, 1, 1, 0]);
  });

  it('fake quantization snaps to the int8 grid and clips, passing gradients inside the range', () => {
    const x = tf.tensor1d([0.26, -0.74, 100, -100]);
    const y = Array.from(fakeQuantize(x, 0.5, 0).dataSync());
    expect(y).toEqual([0.5, -0.5, 63.5, -64]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(fakeQuantize(v, 0.5, 0)))(x);
    expect(Array.from(g.dataSync())).toEqual([1, 1, 0, 0]);
  });
});
