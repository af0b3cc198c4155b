// Checks every gradient the WASM backend gets from src/train/wasm-gradients.ts against the CPU backend's own kernels.
import { describe, it, expect, beforeAll } from 'vitest';
import { tf } from '../../src/train/tf.ts';
import { initBackend } from '../../src/train/backend.ts';
import { WASM_GRADIENT_KERNELS } from '../../src/train/wasm-gradients.ts';

/** Deterministic pseudo-random values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Gradients of sum(f(args) * r) w.r.t. every arg, on the given backend, as plain arrays. */
async function gradsOn(backend: string, f: (...a: tf.Tensor[]) => tf.Tensor, shapes: number[][], seed: number): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const args = shapes.map((s, i) =>
      tf.tensor(
        values(
          s.reduce((a, b) => a * b, 1),
          seed + i,
        ),
        s,
      ),
    );
    const outShape = f(...args).shape;
    const r = tf.tensor(
      values(
        outShape.reduce((a, b) => a * b, 1),
        seed + 99,
      ),
      outShape,
    );
    const gs = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), r)))(args);
    return gs.map((g) => g.dataSync() as Float32Array);
  });
}

async function expectSameGrads(f: (...a: tf.Tensor[]) => tf.Tensor, shapes: number[][], seed = 1): Promise<void> {
  const onWasm = await gradsOn('wasm', f, shapes, seed);
  const onCpu = await gradsOn('cpu', f, shapes, seed);
  expect(onWasm.length).toBe(onCpu.length);
  for (let k = 0; k < onCpu.length; k++) {
    const a = onWasm[k]!;
    const b = onCpu[k]!;
    expect(a.length).toBe(b.length);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
    expect(worst).toBeLessThan(1e-4);
  }
}

describe('WASM gradient kernels vs CPU', () => {
  beforeAll(async () => {
    expect(await initBackend('wasm')).toBe('wasm');
  });

  it('reports the backend tfjs actually uses, once per process', async () => {
    expect(await initBackend()).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('registers the kernels the WASM package lacks', () => {
    for (const k of WASM_GRADIENT_KERNELS) expect(tf.getKernel(k, 'wasm')).toBeDefined();
  });

  const convCases: [string, number[], number[], Parameters<typeof tf.conv2d>[2], Parameters<typeof tf.conv2d>[3]][] = [
    ['3x3 same stride 1', [2, 7, 7, 3], [3, 3, 3, 4], 1, 'same'],
    ['3x3 valid stride 2', [2, 9, 8, 2], [3, 3, 2, 5], 2, 'valid'],
    [
      '5x3 explicit pads stride [2,1]',
      [1, 8, 6, 3],
      [5, 3, 3, 2],
      [2, 1],
      [
        [0, 0],
        [2, 1],
        [0, 1],
        [0, 0],
      ],
    ],
    ['1x1', [3, 4, 4, 6], [1, 1, 6, 2], 1, 'valid'],
  ];
  for (const [name, xs, ws, strides, pad] of convCases) {
    it(`Conv2D ${name}: dx and dW`, async () => {
      await expectSameGrads((x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad), [xs, ws]);
    });
  }

  const dwCases: [
    string,
    number[],
    number[],
    Parameters<typeof tf.depthwiseConv2d>[2],
    Parameters<typeof tf.depthwiseConv2d>[3],
    [number, number],
  ][] = [
    ['3x3 same', [2, 6, 6, 3], [3, 3, 3, 1], 1, 'same', [1, 1]],
    ['3x3 valid stride 2 multiplier 2', [2, 9, 7, 2], [3, 3, 2, 2], 2, 'valid', [1, 1]],
    // tfjs has no gradient for dilated depthwise convs on any backend, so dilation is not tested here.
    ['5x5 same', [1, 8, 8, 2], [5, 5, 2, 1], 1, 'same', [1, 1]],
    [
      'explicit asymmetric pads stride 2',
      [1, 7, 8, 4],
      [3, 3, 4, 1],
      2,
      [
        [0, 0],
        [1, 0],
        [0, 1],
        [0, 0],
      ],
      [1, 1],
    ],
  ];
  for (const [name, xs, ws, strides, pad, dil] of dwCases) {
    it(`DepthwiseConv2D ${name}: dx and dW`, async () => {
      await expectSameGrads((x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad, 'NHWC', dil), [xs, ws]);
    });
  }

  it('a small CNN with pooling, batch norm, relu6 and softmax cross-entropy', async () => {
    const labels = [1, 0, 3];
    await expectSameGrads(
      (x, w1, dw, gamma, beta, wd) => {
        let h: tf.Tensor = tf.conv2d(x as tf.Tensor4D, w1 as tf.Tensor4D, 1, 'same');
        const m = tf.moments(h, [0, 1, 2]);
        h = tf.batchNorm(h, m.mean, m.variance, beta as tf.Tensor1D, gamma as tf.Tensor1D, 1e-3);
        h = tf.relu6(h) as tf.Tensor4D;
        h = tf.depthwiseConv2d(h as tf.Tensor4D, dw as tf.Tensor4D, 1, 'same');
        h = tf.relu(tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid'));
        h = tf.sigmoid(tf.avgPool(h as tf.Tensor4D, 2, 2, 'valid'));
        const logits = tf.matMul(tf.reshape(h, [3, -1]), wd as tf.Tensor2D);
        return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), 4), logits);
      },
      [[3, 8, 8, 2], [3, 3, 2, 4], [3, 3, 4, 1], [4], [4], [16, 4]],
    );
  });
});
