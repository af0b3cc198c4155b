// A 1-D CNN over IMU windows as PyTorch's ONNX exporter writes it (opset 13): input [1, 6, 128] (3-axis accelerometer
// + gyroscope, 128 samples), three Conv1d → BatchNorm1d → ReLU blocks (the first two followed by MaxPool1d(2)),
// AdaptiveAvgPool1d(1), Flatten and Linear to 6 activity classes. Weights are seeded (He-normal), the BatchNorm
// statistics seeded too, so the file is the same on every run; it is an untrained architecture fixture.
import { floatTensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import type { ModelProto } from '../../src/import/onnx-proto-read.ts';
import { heNormal, makeRng } from '../../src/train/prng.ts';

export const IMU_INPUT_DIMS = [1, 6, 128];
export const IMU_CLASSES = ['walking', 'upstairs', 'downstairs', 'sitting', 'standing', 'lying'];

/** How the exporter wrote AdaptiveAvgPool1d(1): GlobalAveragePool, or ReduceMean over axis 2 with keepdims. */
export type ImuPooling = 'global-average-pool' | 'reduce-mean';

export function imuCnnModel(seed = 1, pooling: ImuPooling = 'global-average-pool'): ModelProto {
  const rng = makeRng(seed);
  const uniform = (n: number, lo: number, hi: number) => Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.next());
  const nodes = [];
  const inits = [];
  let x = 'input';
  let channels = IMU_INPUT_DIMS[1];
  const blocks = [
    { out: 16, k: 5, pool: true },
    { out: 32, k: 5, pool: true },
    { out: 32, k: 3, pool: false },
  ];
  blocks.forEach((b, i) => {
    const p = `conv${i + 1}`;
    inits.push(floatTensor(`${p}.weight`, [b.out, channels, b.k], heNormal(b.out * channels * b.k, channels * b.k, rng)));
    inits.push(floatTensor(`${p}.bias`, [b.out], uniform(b.out, -0.1, 0.1)));
    nodes.push(node('Conv', [x, `${p}.weight`, `${p}.bias`], [`${p}_out`], { kernel_shape: [b.k], pads: [b.k >> 1, b.k >> 1], strides: [1] }));
    const bn = `bn${i + 1}`;
    inits.push(floatTensor(`${bn}.weight`, [b.out], uniform(b.out, 0.8, 1.2)));
    inits.push(floatTensor(`${bn}.bias`, [b.out], uniform(b.out, -0.1, 0.1)));
    inits.push(floatTensor(`${bn}.running_mean`, [b.out], uniform(b.out, -0.2, 0.2)));
    inits.push(floatTensor(`${bn}.running_var`, [b.out], uniform(b.out, 0.5, 1.5)));
    nodes.push(
      node('BatchNormalization', [`${p}_out`, `${bn}.weight`, `${bn}.bias`, `${bn}.running_mean`, `${bn}.running_var`], [`${bn}_out`], {
        epsilon: 1e-5,
        momentum: 0.9,
      }),
    );
    nodes.push(node('Relu', [`${bn}_out`], [`relu${i + 1}_out`]));
    x = `relu${i + 1}_out`;
    if (b.pool) {
      nodes.push(node('MaxPool', [x], [`pool${i + 1}_out`], { kernel_shape: [2], strides: [2] }));
      x = `pool${i + 1}_out`;
    }
    channels = b.out;
  });
  if (pooling === 'global-average-pool') nodes.push(node('GlobalAveragePool', [x], ['gap_out']));
  else nodes.push(node('ReduceMean', [x], ['gap_out'], { axes: [2], keepdims: 1 }));
  nodes.push(node('Flatten', ['gap_out'], ['flat'], { axis: 1 }));
  inits.push(floatTensor('fc.weight', [IMU_CLASSES.length, channels], heNormal(IMU_CLASSES.length * channels, channels, rng)));
  inits.push(floatTensor('fc.bias', [IMU_CLASSES.length], uniform(IMU_CLASSES.length, -0.1, 0.1)));
  nodes.push(node('Gemm', ['flat', 'fc.weight', 'fc.bias'], ['logits'], { alpha: 1.0, beta: 1.0, transB: 1 }));
  return makeModel({
    name: 'imu-cnn',
    nodes,
    initializers: inits,
    inputs: [valueInfo('input', IMU_INPUT_DIMS)],
    outputs: [valueInfo('logits', [1, IMU_CLASSES.length])],
    opset: 13,
    metadata: { 'tinyforge.labels': JSON.stringify(IMU_CLASSES) },
  });
}

/** Seeded IMU-like windows [n, 6, 128] for calibration and deployment runs: per class a different gait frequency and
 *  axis mix, plus gravity on one accelerometer axis and noise. Labels are the class each window was drawn from; the
 *  model is untrained, so they measure agreement and memory, not accuracy. */
export function imuWindows(n: number, seed = 2): { x: Float32Array; y: Int32Array } {
  const rng = makeRng(seed);
  const [, C, L] = IMU_INPUT_DIMS;
  const x = new Float32Array(n * C * L);
  const y = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    const cls = s % IMU_CLASSES.length;
    y[s] = cls;
    const freq = 0.02 + 0.015 * cls;
    const phase = rng.next() * 2 * Math.PI;
    for (let c = 0; c < C; c++) {
      const amp = cls < 3 ? 0.3 + 0.2 * ((c + cls) % 3) : 0.05;
      const gravity = c === (cls >= 3 ? cls - 3 : 2) ? 1 : 0;
      for (let t = 0; t < L; t++) x[(s * C + c) * L + t] = gravity + amp * Math.sin(2 * Math.PI * freq * t + phase + c) + 0.05 * rng.normal();
    }
  }
  return { x, y };
}
