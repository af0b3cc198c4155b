// Random-shift augmentation: every image moves by at most ±k pixels (zero-filled), the draws are seeded, and inputs
// that are not NHWC images get no transform.
import { tf } from '../../src/train/tf.ts';
import { describe, expect, it } from 'vitest';
import { randomShift, shiftTransform } from '../../src/train/augment.ts';
import { mlp, cnn } from '../compress/prune-fixtures.ts';

/** 16 images of 28×28×1, each with one lit pixel at (14, 14). */
function dots(): tf.Tensor {
  const x = new Float32Array(16 * 28 * 28);
  for (let i = 0; i < 16; i++) x[i * 784 + 14 * 28 + 14] = 1;
  return tf.tensor(x, [16, 28, 28, 1]);
}

function litPixels(t: tf.Tensor): { y: number; x: number }[][] {
  const d = t.dataSync();
  return Array.from({ length: 16 }, (_, i) => {
    const lit: { y: number; x: number }[] = [];
    for (let p = 0; p < 784; p++) if (d[i * 784 + p] !== 0) lit.push({ y: Math.floor(p / 28), x: p % 28 });
    return lit;
  });
}

describe('randomShift', () => {
  it('moves each image by at most ±k pixels, not all by the same amount, and repeats with the same seed', () => {
    const a = litPixels(randomShift(2, 5, [28, 28, 1])(dots()));
    for (const lit of a) {
      expect(lit).toHaveLength(1);
      expect(Math.abs(lit[0].y - 14)).toBeLessThanOrEqual(2);
      expect(Math.abs(lit[0].x - 14)).toBeLessThanOrEqual(2);
    }
    expect(new Set(a.map((l) => `${l[0].y},${l[0].x}`)).size).toBeGreaterThan(3);
    expect(litPixels(randomShift(2, 5, [28, 28, 1])(dots()))).toEqual(a);
  });

  it('shiftTransform: image inputs only, and none at shift 0', () => {
    expect(shiftTransform(cnn(1), 2, 1)).toBeTypeOf('function');
    expect(shiftTransform(cnn(1), 0, 1)).toBeUndefined();
    // The MLP fixture reads a 28×28×1 image too (it reshapes inside): a flat [1, 784] input would get none.
    const flat = mlp(1);
    flat.tensors[flat.inputs[0]].shape = [1, 784];
    expect(shiftTransform(flat, 2, 1)).toBeUndefined();
  });
});
