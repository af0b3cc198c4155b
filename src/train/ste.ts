// Straight-through estimators: a non-differentiable forward (round, sign) whose backward passes the gradient through,
// optionally zeroed outside a clip range (as in QAT fake-quantization and BinaryConnect / XNOR-Net).
import { tf } from './tf.ts';

export interface SteRange {
  /** Gradients pass only where lo ≤ x ≤ hi (the "clipped" STE); omit for the identity STE. */
  lo?: number;
  hi?: number;
}

/** y = forward(x); dy/dx = 1 (inside [lo, hi] when given), i.e. the straight-through estimator. */
export function straightThrough(forward: (x: tf.Tensor) => tf.Tensor, range: SteRange = {}): (x: tf.Tensor) => tf.Tensor {
  // customGrad's typing folds the save function into the inputs' union; the runtime passes (x, save).
  const op = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x]);
    return {
      value: forward(x),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        if (range.lo === undefined && range.hi === undefined) return [dy];
        const xs = saved[0]!;
        let keep = tf.onesLike(xs);
        if (range.lo !== undefined) keep = tf.mul(keep, tf.cast(tf.greaterEqual(xs, range.lo), 'float32'));
        if (range.hi !== undefined) keep = tf.mul(keep, tf.cast(tf.lessEqual(xs, range.hi), 'float32'));
        return [tf.mul(dy, keep)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (x: tf.Tensor) => op(x) as tf.Tensor;
}

/** round(x) forward, identity backward. */
export const roundSte = straightThrough((x) => tf.round(x));

/** sign(x) forward with sign(0) = +1 (so weights are always ±1), gradient passed where |x| ≤ 1. */
export const signSte = straightThrough((x) => tf.sub(tf.mul(tf.cast(tf.greaterEqual(x, 0), 'float32'), 2), 1), { lo: -1, hi: 1 });

/** Fake quantization with STE: clamp(round(x/scale)+zp, qmin, qmax) then back to float; gradient passes inside the range. */
export function fakeQuantize(x: tf.Tensor, scale: number, zeroPoint: number, qmin = -128, qmax = 127): tf.Tensor {
  const lo = (qmin - zeroPoint) * scale;
  const hi = (qmax - zeroPoint) * scale;
  const q = straightThrough(
    (v) => tf.mul(tf.sub(tf.clipByValue(tf.add(tf.round(tf.div(v, scale)), zeroPoint), qmin, qmax), zeroPoint), scale),
    { lo, hi },
  );
  return q(x);
}
