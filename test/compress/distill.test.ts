// Distillation: the loss math at temperature T, ensembles average logits, thinner students, and shape-mismatch errors.
import { tf } from '../../src/train/tf.ts';
import { describe, expect, it } from 'vitest';
import { checkStudentShapes, distill, distillTrain, thinnerCopy } from '../../src/compress/distill.ts';
import { createLog } from '../../src/compress/pass.ts';
import { validateRecipe } from '../../src/compress/pipeline.ts';
import { sliceDataset } from '../../src/compress/prune-finetune.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { graphStats } from '../../src/ir/stats.ts';
import { initBackend } from '../../src/train/backend.ts';
import { evaluate } from '../../src/train/evaluate.ts';
import { distillationLoss } from '../../src/train/losses.ts';
import { cnn, mlp, mnistSlice, trained } from './prune-fixtures.ts';

describe('distill', () => {
  it('loss: T²·KL(teacher‖student) mixed with cross-entropy', async () => {
    await initBackend();
    const s = tf.tensor2d([
      [2, 0, -1],
      [0.5, 0.2, 0.1],
    ]);
    const t = tf.tensor2d([
      [1, 1, -2],
      [3, 0, 0],
    ]);
    const y = tf.tensor1d([0, 2], 'int32');
    const T = 3;
    const soft = (a: number[]) => {
      const e = a.map((v) => Math.exp(v / T));
      const z = e.reduce((p, q) => p + q);
      return e.map((v) => v / z);
    };
    const S = s.arraySync() as number[][];
    const Te = t.arraySync() as number[][];
    let kl = 0;
    let ce = 0;
    for (let i = 0; i < 2; i++) {
      const p = soft(Te[i]!);
      const q = soft(S[i]!);
      kl += p.reduce((acc, pi, k) => acc + pi * Math.log(pi / q[k]!), 0) / 2;
      const e = S[i]!.map(Math.exp);
      ce += -Math.log(e[[0, 2][i]!]! / e.reduce((a, b) => a + b)) / 2;
    }
    const got = distillationLoss(s, t, y, { temperature: T, alpha: 0.6 }).dataSync()[0]!;
    expect(got).toBeCloseTo(0.6 * T * T * kl + 0.4 * ce, 5);
  });

  it('rejects a student with other input/output shapes, naming both', () => {
    const teacher = mlp(1);
    const b = new GraphBuilder('flat-student');
    const x = b.input('input', [1, 784]);
    b.output(b.node('Dense', [x, b.constant('w', new Float32Array(5 * 784), [5, 784])], {}, 'out'));
    const student = b.build();
    try {
      checkStudentShapes(teacher, student);
      expect.unreachable();
    } catch (e) {
      const err = e as { code: string; message: string };
      expect(err.code).toBe('shape-mismatch');
      expect(err.message).toContain('teacher [1, 28, 28, 1] vs student [1, 784]');
      expect(err.message).toContain('teacher [1, 10] vs student [1, 5]');
    }
  });

  it('thinner copy: every hidden layer scaled by the width, outputs unchanged, fresh init', () => {
    const t = cnn(1, 8, 16);
    const s = thinnerCopy(t, 0.5, 9);
    expect(s.tensors['conv1.w']!.shape).toEqual([4, 3, 3, 1]);
    expect(s.tensors['conv2.w']!.shape).toEqual([8, 3, 3, 4]);
    expect(s.tensors['fc.w']!.shape).toEqual([10, 392]);
    expect(graphStats(s).totals.params).toBeLessThan(graphStats(t).totals.params / 1.9);
    checkStudentShapes(t, s);
  });

  it('an ensemble of two identical teachers trains exactly like one (logits are averaged)', async () => {
    const ds = await mnistSlice(400);
    const teacher = await trained(mlp(1, 32, 16), ds, 1);
    const student = thinnerCopy(teacher, 0.5, 4);
    const o = { epochs: 1, lr: 1e-3, batchSize: 50, seed: 2, temperature: 4, alpha: 0.9 };
    const one = await distillTrain(student, [teacher], ds, o);
    const two = await distillTrain(student, [teacher, teacher], ds, o);
    expect(Array.from(two.tensors['fc1.w']!.data!)).toEqual(Array.from(one.tensors['fc1.w']!.data!));
    const plain = await distillTrain(student, [teacher], ds, { ...o, alpha: 0 });
    expect(Array.from(plain.tensors['fc1.w']!.data!)).not.toEqual(Array.from(one.tensors['fc1.w']!.data!));
  }, 30_000);

  it('the pass trains a half-width student that works', async () => {
    const ds = await mnistSlice(3000);
    const teacher = await trained(mlp(2, 64, 32), sliceDataset(ds, 0, 2500), 3);
    const params = validateRecipe([{ step: 'distill', epochs: 3, samples: 2500, val_samples: 500, width: 0.5 }])[0]!;
    const { ir, report } = await distill.run(teacher, { params, data: { dataset: ds } }, createLog());
    expect(ir.tensors['fc1.w']!.shape).toEqual([32, 784]);
    expect(report.params_after).toBeLessThan(report.params_before / 1.9);
    expect((await evaluate(ir, await mnistSlice(1000, 'test'))).top1).toBeGreaterThan(0.8);
    await expect(distill.run(teacher, { params, data: {} }, createLog())).rejects.toMatchObject({ code: 'no-training-data' });
  }, 60_000);
});
