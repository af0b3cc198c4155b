// Small ONNX models built in code (seeded weights) and an onnxruntime-node runner, shared by the import/export tests.
import * as ort from 'onnxruntime-node';
import { encodeModel, floatTensor, int64Tensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { runInFileLayout } from '../../src/conformance/run-case.ts';

/** mulberry32: a tiny seeded PRNG so fixtures are the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randn(n: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
}

/** conv(group 2, asymmetric pads, strides) → relu → depthwise conv → BN → Clip(0,6) → maxpool → flatten → gemm → softmax. */
export function smallCnn(opts: { inputDims?: (number | string)[]; metadata?: Record<string, string> } = {}): Uint8Array {
  return encodeModel(
    makeModel({
      name: 'small_cnn',
      inputs: [valueInfo('x', opts.inputDims ?? [1, 4, 12, 12])],
      outputs: [valueInfo('probs', [1, 10])],
      metadata: opts.metadata,
      initializers: [
        floatTensor('conv1.weight', [8, 2, 3, 3], randn(8 * 2 * 9, 1, 0.5)),
        floatTensor('conv1.bias', [8], randn(8, 2, 0.1)),
        floatTensor('dw.weight', [16, 1, 3, 3], randn(16 * 9, 3, 0.5)),
        floatTensor(
          'bn.scale',
          [16],
          randn(16, 4, 0.5).map((v) => v + 1),
        ),
        floatTensor('bn.bias', [16], randn(16, 5, 0.2)),
        floatTensor('bn.mean', [16], randn(16, 6, 0.3)),
        floatTensor(
          'bn.var',
          [16],
          randn(16, 7, 0.4).map((v) => v + 0.6),
        ),
        floatTensor('fc.weight', [10, 16 * 3 * 5], randn(10 * 240, 8, 0.2)),
        floatTensor('fc.bias', [10], randn(10, 9, 0.1)),
      ],
      nodes: [
        node('Constant', [], ['clip_min'], { value: { tensor: floatTensor('', [], [0]) } }, 'cmin'),
        node('Constant', [], ['clip_max'], { value: { tensor: floatTensor('', [], [6]) } }, 'cmax'),
        node('Conv', ['x', 'conv1.weight', 'conv1.bias'], ['c1'], { group: 2, pads: [1, 0, 2, 1], strides: [2, 1], kernel_shape: [3, 3] }),
        node('Relu', ['c1'], ['r1']),
        node('Conv', ['r1', 'dw.weight'], ['c2'], { group: 8, auto_pad: 'SAME_UPPER' }),
        node('BatchNormalization', ['c2', 'bn.scale', 'bn.bias', 'bn.mean', 'bn.var'], ['b2'], { epsilon: 1e-3 }),
        node('Clip', ['b2', 'clip_min', 'clip_max'], ['r2']),
        node('MaxPool', ['r2'], ['p2'], { kernel_shape: [2, 2], strides: [2, 2] }),
        node('Flatten', ['p2'], ['f']),
        node('Gemm', ['f', 'fc.weight', 'fc.bias'], ['logits'], { transB: 1 }),
        node('Softmax', ['logits'], ['probs'], { axis: 1 }),
      ],
    }),
  );
}

/** PyTorch's flatten idiom: Shape → Gather(0) → Unsqueeze → Concat(-1) → Reshape, then a Gemm. */
export function torchFlattenModel(): Uint8Array {
  return encodeModel(
    makeModel({
      inputs: [valueInfo('x', ['batch', 3, 4, 4])],
      outputs: [valueInfo('y', ['batch', 5])],
      initializers: [
        int64Tensor('zero', [], [0]),
        int64Tensor('minus_one', [1], [-1]),
        int64Tensor('axes0', [1], [0]),
        floatTensor('w', [5, 48], randn(5 * 48, 11, 0.3)),
        floatTensor('b', [5], randn(5, 12, 0.1)),
      ],
      nodes: [
        node('Shape', ['x'], ['s']),
        node('Gather', ['s', 'zero'], ['n'], { axis: 0 }),
        node('Unsqueeze', ['n', 'axes0'], ['n1']),
        node('Concat', ['n1', 'minus_one'], ['shape'], { axis: 0 }),
        node('Reshape', ['x', 'shape'], ['flat']),
        node('Gemm', ['flat', 'w', 'b'], ['y'], { transB: 1 }),
      ],
    }),
  );
}

/** Runs a model in onnxruntime-node; returns the outputs in graph order. */
export async function runOrt(bytes: Uint8Array, inputs: Record<string, { dims: number[]; data: Float32Array }>): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(bytes);
  const feeds: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(inputs)) feeds[k] = new ort.Tensor('float32', v.data, v.dims);
  const r = await session.run(feeds);
  return session.outputNames.map((n) => r[n].data as Float32Array);
}

/** Runs an IR graph on inputs given in the file's layout (NCHW), returning outputs in file layout. */
export function runIr(g: Graph, inputs: { dims: number[]; data: Float32Array }[]): Float32Array[] {
  return runInFileLayout(
    g,
    inputs.map((x, i) => ({ name: g.inputs[i], ...x })),
  );
}
