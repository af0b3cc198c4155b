// A GRU keyword-spotting model as PyTorch's ONNX exporter writes `nn.GRU(10, 48, batch_first=True)` followed by
// `nn.Linear(48, 12)` on the last step (opset 13): input [1, 49, 10] (49 frames of 10 MFCCs, MLPerf Tiny KWS's
// front end), Transpose to [T, B, F], the initial state as an Expand of zeros to [1, batch, 48] with the batch read
// from Shape(input), GRU with linear_before_reset=1 (PyTorch's GRU), Y squeezed and transposed back to batch first,
// the last step gathered, Gemm to 12 classes. Weights are seeded (PyTorch's uniform ±1/√hidden), so the file is the
// same on every run; it is an untrained architecture fixture.
import { floatTensor, int64Tensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import type { ModelProto } from '../../src/import/onnx-proto-read.ts';
import { makeRng } from '../../src/train/prng.ts';

export const KWS_INPUT_DIMS = [1, 49, 10];
export const KWS_HIDDEN = 48;
/** MLPerf Tiny KWS's 12 classes (examples/mlperf-tiny). */
export const KWS_CLASSES = ['down', 'go', 'left', 'no', 'off', 'on', 'right', 'stop', 'up', 'yes', '_silence_', '_unknown_'];

export function gruKwsModel(seed = 1): ModelProto {
  const rng = makeRng(seed);
  const uniform = (n: number, bound: number) => Float32Array.from({ length: n }, () => bound * (2 * rng.next() - 1));
  const [, , features] = KWS_INPUT_DIMS;
  const H = KWS_HIDDEN;
  const bound = 1 / Math.sqrt(H);
  const inits = [
    floatTensor('gru.W', [1, 3 * H, features], uniform(3 * H * features, bound)),
    floatTensor('gru.R', [1, 3 * H, H], uniform(3 * H * H, bound)),
    floatTensor('gru.B', [1, 6 * H], uniform(6 * H, bound)),
    floatTensor('fc.weight', [KWS_CLASSES.length, H], uniform(KWS_CLASSES.length * H, bound)),
    floatTensor('fc.bias', [KWS_CLASSES.length], uniform(KWS_CLASSES.length, bound)),
    floatTensor('zero', [], [0]),
    int64Tensor('index0', [], [0]),
    int64Tensor('axes0', [1], [0]),
    int64Tensor('axes1', [1], [1]),
    int64Tensor('layers', [1], [1]),
    int64Tensor('hidden', [1], [H]),
    int64Tensor('last', [], [-1]),
  ];
  const nodes = [
    node('Transpose', ['input'], ['steps_first'], { perm: [1, 0, 2] }),
    node('Shape', ['input'], ['input_shape']),
    node('Gather', ['input_shape', 'index0'], ['batch'], { axis: 0 }),
    node('Unsqueeze', ['batch', 'axes0'], ['batch_1d']),
    node('Concat', ['layers', 'batch_1d', 'hidden'], ['h0_shape'], { axis: 0 }),
    node('Expand', ['zero', 'h0_shape'], ['h0']),
    node('GRU', ['steps_first', 'gru.W', 'gru.R', 'gru.B', '', 'h0'], ['gru_y', 'gru_h'], { hidden_size: H, linear_before_reset: 1 }),
    node('Squeeze', ['gru_y', 'axes1'], ['gru_seq']),
    node('Transpose', ['gru_seq'], ['batch_first'], { perm: [1, 0, 2] }),
    node('Gather', ['batch_first', 'last'], ['last_step'], { axis: 1 }),
    node('Gemm', ['last_step', 'fc.weight', 'fc.bias'], ['logits'], { alpha: 1.0, beta: 1.0, transB: 1 }),
  ];
  return makeModel({
    name: 'gru-kws',
    nodes,
    initializers: inits,
    inputs: [valueInfo('input', KWS_INPUT_DIMS)],
    outputs: [valueInfo('logits', [1, KWS_CLASSES.length])],
    opset: 13,
    metadata: { 'tinyforge.labels': JSON.stringify(KWS_CLASSES) },
  });
}

/** Seeded MFCC-like inputs [n, 49, 10]: per class a different spectral tilt and a burst of energy at a
 *  class-dependent frame, plus noise. Labels are the class each sample was drawn from; the model is untrained, so they
 *  measure agreement and memory, not accuracy. */
export function kwsSamples(n: number, seed = 2): { x: Float32Array; y: Int32Array } {
  const rng = makeRng(seed);
  const [, T, F] = KWS_INPUT_DIMS;
  const x = new Float32Array(n * T * F);
  const y = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    const cls = s % KWS_CLASSES.length;
    y[s] = cls;
    const centre = 10 + 2 * cls;
    for (let t = 0; t < T; t++) {
      const energy = Math.exp(-(((t - centre) / 6) ** 2));
      for (let f = 0; f < F; f++) {
        const tilt = Math.cos((Math.PI * (f + 0.5) * (1 + (cls % 4))) / F);
        x[(s * T + t) * F + f] = 2 * energy * tilt - (f === 0 ? 1 : 0) + 0.1 * rng.normal();
      }
    }
  }
  return { x, y };
}
