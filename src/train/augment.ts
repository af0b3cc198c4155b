// Seeded random-shift augmentation for image fine-tuning: each image moves by up to ±k pixels, zero-filled (the
// background of preprocessed MNIST). Used by the example training and by the compress passes' `shift` parameter.
import { tf } from './tf.ts';
import type { Graph } from '../ir/graph.ts';
import { makeRng } from './prng.ts';

/** A transformBatch hook for trainGraph; NHWC input [n, h, w, c] (or flattened [n, h·w] with `shape` given). */
export function randomShift(maxShift: number, seed: number, shape: [number, number, number]): (x: tf.Tensor) => tf.Tensor {
  const rng = makeRng(seed);
  const [h, w, c] = shape;
  return (x: tf.Tensor) => {
    const n = x.shape[0]!;
    const src = x.dataSync() as Float32Array;
    const out = new Float32Array(src.length);
    const per = h * w * c;
    for (let i = 0; i < n; i++) {
      const dy = rng.int(2 * maxShift + 1) - maxShift;
      const dx = rng.int(2 * maxShift + 1) - maxShift;
      for (let y = 0; y < h; y++) {
        const sy = y - dy;
        if (sy < 0 || sy >= h) continue;
        for (let xx = 0; xx < w; xx++) {
          const sx = xx - dx;
          if (sx < 0 || sx >= w) continue;
          for (let k = 0; k < c; k++) out[i * per + (y * w + xx) * c + k] = src[i * per + (sy * w + sx) * c + k]!;
        }
      }
    }
    return tf.tensor(out, x.shape);
  };
}

/** randomShift for `g`'s NHWC image input, or undefined (shift 0, or an input that is not an image). */
export function shiftTransform(g: Graph, shift: number | undefined, seed: number): ((x: tf.Tensor) => tf.Tensor) | undefined {
  const shape = g.tensors[g.inputs[0]]?.shape ?? [];
  if (!shift || shape.length !== 4) return undefined;
  return randomShift(shift, seed, [shape[1], shape[2], shape[3]]);
}
