// TFLite tensor plumbing (CONCATENATION, PAD/PADV2, TRANSPOSE, SQUEEZE, EXPAND_DIMS, PACK, UNPACK, SPLIT, SPLIT_V,
// STRIDED_SLICE and its five masks) on hand-built .tflite files: the float reference against TensorFlow's own ops
// (tfjs, whose stridedSlice follows TF's mask rules), an int8 chain whose generated C matches the reference byte for
// byte, the Keras Conv1D pattern (EXPAND_DIMS → CONV_2D → SQUEEZE), MEAN with keep_dims both ways, and QUANTIZE /
// DEQUANTIZE at the float boundary of an int8 model.
import { describe, expect, it } from 'vitest';
import { importTflite } from '../../src/import/tflite.ts';
import { product, type Graph } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { tf } from '../../src/train/tf.ts';
import { randF32, rng } from '../codegen/graphs.ts';
import { errorOf } from '../errors.ts';
import { checkAgainstReference } from '../firmware/kernel-check.ts';
import { buildModel, f32, i32, type OpSpec, type TensorSpec } from './tflite-builder.ts';

const CONCATENATION = 2,
  CONV = 3,
  DEQUANTIZE = 6,
  PAD = 34,
  TRANSPOSE = 39,
  MEAN = 40,
  SQUEEZE = 43,
  STRIDED_SLICE = 45,
  SPLIT = 49,
  PADV2 = 60,
  EXPAND_DIMS = 70,
  PACK = 83,
  UNPACK = 88,
  SPLIT_V = 102,
  QUANTIZE = 114;

/** A constant operand: int32 unless `float`. */
interface Const {
  shape: number[];
  values: number[];
  float?: boolean;
}

interface Case {
  name: string;
  code: number;
  x: number[];
  consts?: Const[];
  /** The op's inputs: 'x' or the index of a constant; default x then every constant in order. */
  inputs?: ('x' | number)[];
  options?: OpSpec['options'];
  /** TensorFlow's result, the oracle; its shapes are also the output shapes the file declares. */
  tf: (x: tf.Tensor) => tf.Tensor | tf.Tensor[];
  ops: string[];
}

const CASES: Case[] = [
  {
    name: 'CONCATENATION on axis 1',
    code: CONCATENATION,
    x: [2, 3, 4],
    inputs: ['x', 'x'],
    options: { type: 10, int32: [[0, 1]] },
    tf: (x) => tf.concat([x, x], 1),
    ops: ['Concat'],
  },
  {
    name: 'CONCATENATION on axis −1',
    code: CONCATENATION,
    x: [2, 3, 4],
    inputs: ['x', 'x', 'x'],
    options: { type: 10, int32: [[0, -1]] },
    tf: (x) => tf.concat([x, x, x], 2),
    ops: ['Concat'],
  },
  {
    name: 'PAD',
    code: PAD,
    x: [1, 3, 4],
    consts: [{ shape: [3, 2], values: [0, 0, 1, 2, 2, 0] }],
    tf: (x) =>
      tf.pad(x, [
        [0, 0],
        [1, 2],
        [2, 0],
      ]),
    ops: ['Pad'],
  },
  {
    name: 'PADV2 with constant 1.5',
    code: PADV2,
    x: [2, 3],
    consts: [
      { shape: [2, 2], values: [1, 0, 0, 3] },
      { shape: [], values: [1.5], float: true },
    ],
    tf: (x) =>
      tf.pad(
        x,
        [
          [1, 0],
          [0, 3],
        ],
        1.5,
      ),
    ops: ['Pad'],
  },
  {
    name: 'TRANSPOSE',
    code: TRANSPOSE,
    x: [2, 3, 4],
    consts: [{ shape: [3], values: [2, 0, 1] }],
    tf: (x) => tf.transpose(x, [2, 0, 1]),
    ops: ['Transpose'],
  },
  {
    name: 'SQUEEZE of listed axes',
    code: SQUEEZE,
    x: [1, 3, 1, 4],
    options: { type: 30, int32s: [[0, [-2]]] },
    tf: (x) => tf.squeeze(x, [2]),
    ops: ['Reshape'],
  },
  { name: 'SQUEEZE of every size-1 axis', code: SQUEEZE, x: [1, 3, 1, 4], tf: (x) => tf.squeeze(x), ops: ['Reshape'] },
  {
    name: 'EXPAND_DIMS at −1',
    code: EXPAND_DIMS,
    x: [2, 3],
    consts: [{ shape: [], values: [-1] }],
    tf: (x) => tf.expandDims(x, -1),
    ops: ['Reshape'],
  },
  {
    name: 'EXPAND_DIMS at 0',
    code: EXPAND_DIMS,
    x: [2, 3],
    consts: [{ shape: [1], values: [0] }],
    tf: (x) => tf.expandDims(x, 0),
    ops: ['Reshape'],
  },
  {
    name: 'PACK on axis 1',
    code: PACK,
    x: [2, 3],
    inputs: ['x', 'x'],
    options: {
      type: 59,
      int32: [
        [0, 2],
        [1, 1],
      ],
    },
    tf: (x) => tf.stack([x, x], 1),
    ops: ['Reshape', 'Reshape', 'Concat'],
  },
  {
    name: 'UNPACK on axis 1',
    code: UNPACK,
    x: [2, 3, 4],
    options: {
      type: 64,
      int32: [
        [0, 3],
        [1, 1],
      ],
    },
    tf: (x) => tf.unstack(x, 1),
    ops: ['Slice', 'Reshape', 'Slice', 'Reshape', 'Slice', 'Reshape'],
  },
  {
    name: 'SPLIT (axis first)',
    code: SPLIT,
    x: [1, 3, 4],
    consts: [{ shape: [], values: [2] }],
    inputs: [0, 'x'],
    options: { type: 35, int32: [[0, 2]] },
    tf: (x) => tf.split(x, 2, 2),
    ops: ['Slice', 'Slice'],
  },
  {
    name: 'SPLIT_V with a −1 size',
    code: SPLIT_V,
    x: [1, 5, 4],
    consts: [
      { shape: [3], values: [1, -1, 2] },
      { shape: [], values: [-2] },
    ],
    options: { type: 79, int32: [[0, 3]] },
    tf: (x) => tf.split(x, [1, 2, 2], 1),
    ops: ['Slice', 'Slice', 'Slice'],
  },
  {
    name: 'STRIDED_SLICE with negative indices and a negative stride',
    code: STRIDED_SLICE,
    x: [2, 5, 6],
    consts: [
      { shape: [3], values: [0, 1, -1] },
      { shape: [3], values: [2, 5, 0] },
      { shape: [3], values: [1, 2, -2] },
    ],
    tf: (x) => tf.stridedSlice(x, [0, 1, -1], [2, 5, 0], [1, 2, -2]),
    ops: ['Slice'],
  },
  {
    name: 'STRIDED_SLICE with begin/end masks and a negative stride',
    code: STRIDED_SLICE,
    x: [2, 5, 6],
    consts: [
      { shape: [3], values: [1, 3, 7] },
      { shape: [3], values: [2, 0, -9] },
      { shape: [3], values: [1, 1, -1] },
    ],
    options: {
      type: 32,
      int32: [
        [0, 0b110],
        [1, 0b110],
      ],
    },
    tf: (x) => tf.stridedSlice(x, [1, 3, 7], [2, 0, -9], [1, 1, -1], 0b110, 0b110),
    ops: ['Slice'],
  },
  {
    // tfjs's CPU kernel reads out of range when shrink_axis meets a stride other than 1 on another axis, so shrink_axis
    // is checked with unit strides.
    name: 'STRIDED_SLICE with a negative shrink_axis index and an end mask',
    code: STRIDED_SLICE,
    x: [2, 5, 6],
    consts: [
      { shape: [3], values: [-1, 1, 2] },
      { shape: [3], values: [0, 4, 0] },
      { shape: [3], values: [1, 1, 1] },
    ],
    options: {
      type: 32,
      int32: [
        [1, 0b100],
        [4, 0b001],
      ],
    },
    tf: (x) => tf.stridedSlice(x, [-1, 1, 2], [0, 4, 0], [1, 1, 1], 0, 0b100, 0, 0, 0b001),
    ops: ['Slice', 'Reshape'],
  },
  {
    name: 'STRIDED_SLICE with an ellipsis and a new axis',
    code: STRIDED_SLICE,
    x: [2, 5, 6],
    consts: [
      { shape: [3], values: [0, 0, 1] },
      { shape: [3], values: [0, 0, 4] },
      { shape: [3], values: [1, 1, 1] },
    ],
    options: {
      type: 32,
      int32: [
        [2, 0b001],
        [3, 0b010],
      ],
    },
    tf: (x) => tf.stridedSlice(x, [0, 0, 1], [0, 0, 4], [1, 1, 1], 0, 0, 0b001, 0b010, 0),
    ops: ['Slice', 'Reshape'],
  },
  {
    name: 'STRIDED_SLICE with shrink_axis on a negative index behind an ellipsis',
    code: STRIDED_SLICE,
    x: [2, 5, 6],
    consts: [
      { shape: [2], values: [0, -2] },
      { shape: [2], values: [0, -1] },
      { shape: [2], values: [1, 1] },
    ],
    options: {
      type: 32,
      int32: [
        [2, 0b01],
        [4, 0b10],
      ],
    },
    tf: (x) => tf.stridedSlice(x, [0, -2], [0, -1], [1, 1], 0, 0, 0b01, 0, 0b10),
    ops: ['Slice', 'Reshape'],
  },
  {
    name: 'STRIDED_SLICE with offset (end counts from begin)',
    code: STRIDED_SLICE,
    x: [2, 5, 6],
    consts: [
      { shape: [3], values: [0, 1, 2] },
      { shape: [3], values: [2, 3, 3] },
      { shape: [3], values: [1, 1, 1] },
    ],
    options: { type: 32, int8: [[5, 1]] },
    tf: (x) => tf.slice(x, [0, 1, 2], [2, 3, 3]),
    ops: ['Slice'],
  },
];

const inputOf = (shape: number[]) =>
  Float32Array.from({ length: product(shape) }, (_, i) => Math.round(100 * Math.sin(1.7 * i + 0.3)) / 10);

/** A one-op float model: x, the constants, then one output per result of the oracle. */
function caseModel(c: Case, outShapes: number[][]): Uint8Array {
  const consts = c.consts ?? [];
  const tensors: TensorSpec[] = [
    { name: 'x', shape: c.x, type: 0 },
    ...consts.map((k, i) => ({ name: `c${i}`, shape: k.shape, type: k.float ? 0 : 2, data: k.float ? f32(k.values) : i32(k.values) })),
    ...outShapes.map((shape, i) => ({ name: `y${i}`, shape, type: 0 })),
  ];
  const inputs = (c.inputs ?? ['x', ...consts.map((_, i) => i)]).map((k) => (k === 'x' ? 0 : 1 + k));
  const outputs = outShapes.map((_, i) => 1 + consts.length + i);
  return buildModel(tensors, [{ code: c.code, inputs, outputs, options: c.options }], [0], outputs);
}

describe('TFLite plumbing: the float reference against TensorFlow', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const x = inputOf(c.x);
      const result = tf.tidy(() => {
        const r = c.tf(tf.tensor(x, c.x));
        return (Array.isArray(r) ? r : [r]).map((t) => ({ shape: t.shape, data: t.dataSync().slice() }));
      });
      const g = importTflite(
        caseModel(
          c,
          result.map((r) => r.shape),
        ),
        `${c.name}.tflite`,
      );
      expect(g.nodes.map((n) => n.op)).toEqual(c.ops);
      const out = runGraph(g, { x }).outputs;
      result.forEach((r, i) => {
        expect(g.tensors[`y${i}`].shape).toEqual(r.shape);
        expect(Array.from(out[`y${i}`])).toEqual(Array.from(r.data));
      });
    });
  }
});

describe('TFLite plumbing: what is refused', () => {
  const sliceModel = (begin: number[], options: OpSpec['options'], out: number[]) =>
    buildModel(
      [
        { name: 'x', shape: [2, 5, 6], type: 0 },
        { name: 'b', shape: [begin.length], type: 2, data: i32(begin) },
        { name: 'e', shape: [begin.length], type: 2, data: i32(begin.map(() => 1)) },
        { name: 's', shape: [begin.length], type: 2, data: i32(begin.map(() => 1)) },
        { name: 'y', shape: out, type: 0 },
      ],
      [{ code: STRIDED_SLICE, inputs: [0, 1, 2, 3], outputs: [4], options }],
      [0],
      [4],
    );

  it('STRIDED_SLICE with two ellipses, or selecting nothing, is unsupported by name', () => {
    const two = errorOf(() => importTflite(sliceModel([0, 0], { type: 32, int32: [[2, 0b11]] }, [2, 5, 6]), 'two.tflite'));
    expect(two.code).toBe('unsupported-op');
    expect(two.diagnostic.notes!.join('\n')).toMatch(/STRIDED_SLICE with more than one ellipsis/);
    const empty = errorOf(() => importTflite(sliceModel([1, 1, 1], undefined, [0, 0, 0]), 'empty.tflite'));
    expect(empty.diagnostic.notes!.join('\n')).toMatch(/STRIDED_SLICE that selects nothing/);
  });

  it('a shape the file declares wrongly, or a SPLIT_V whose sizes do not add up, is a bad model file', () => {
    const wrong = errorOf(() => importTflite(sliceModel([0, 0, 0], { type: 32, int32: [[1, 0b111]] }, [2, 5, 5]), 'wrong.tflite'));
    expect(wrong.code).toBe('bad-model-file');
    expect(wrong.message).toContain('has shape [2,5,5], but its inputs give [2,5,6]');
    const splitV = buildModel(
      [
        { name: 'x', shape: [1, 5], type: 0 },
        { name: 'sizes', shape: [2], type: 2, data: i32([2, 2]) },
        { name: 'axis', shape: [], type: 2, data: i32([1]) },
        { name: 'a', shape: [1, 2], type: 0 },
        { name: 'b', shape: [1, 2], type: 0 },
      ],
      [{ code: SPLIT_V, inputs: [0, 1, 2], outputs: [3, 4], options: { type: 79, int32: [[0, 2]] } }],
      [0],
      [3, 4],
    );
    const e = errorOf(() => importTflite(splitV, 'split-v.tflite'));
    expect(e.code).toBe('bad-model-file');
    expect(e.message).toMatch(/SPLIT_V\) size_splits \[2,2\] do not cut axis 1/);
  });

  it('CONCATENATION with a fused activation is unsupported, not silently dropped', () => {
    const model = buildModel(
      [
        { name: 'x', shape: [1, 2], type: 0 },
        { name: 'y', shape: [1, 4], type: 0 },
      ],
      [{ code: CONCATENATION, inputs: [0, 0], outputs: [1], options: { type: 10, int32: [[0, 1]], int8: [[1, 1]] } }],
      [0],
      [1],
    );
    expect(errorOf(() => importTflite(model, 'concat-relu.tflite')).diagnostic.notes!.join('\n')).toMatch(
      /CONCATENATION with a fused activation/,
    );
  });
});

const Q = { scale: [0.05], zeroPoint: [-3] };
const int8 = (name: string, shape: number[]): TensorSpec => ({ name, shape, type: 9, ...Q });

describe('TFLite plumbing in int8', () => {
  // x [1,4,6,8] → SPLIT channels in two → CONCATENATION swapped → PAD → STRIDED_SLICE (strided, begin_mask) → SQUEEZE →
  // TRANSPOSE → UNPACK rows → PACK two of them back → EXPAND_DIMS → SPLIT_V: every plumbing op on one quantization.
  const tensors: TensorSpec[] = [
    int8('x', [1, 4, 6, 8]), // 0
    { name: 'axis3', shape: [], type: 2, data: i32([3]) }, // 1
    int8('a', [1, 4, 6, 4]), // 2
    int8('b', [1, 4, 6, 4]), // 3
    int8('ba', [1, 4, 6, 8]), // 4
    { name: 'paddings', shape: [4, 2], type: 2, data: i32([0, 0, 1, 1, 0, 2, 0, 0]) }, // 5
    int8('padded', [1, 6, 8, 8]), // 6
    { name: 'begin', shape: [4], type: 2, data: i32([0, 1, 0, 1]) }, // 7
    { name: 'end', shape: [4], type: 2, data: i32([0, 6, 8, 8]) }, // 8
    { name: 'strides', shape: [4], type: 2, data: i32([1, 2, 3, 2]) }, // 9
    int8('sliced', [1, 3, 3, 4]), // 10
    int8('squeezed', [3, 3, 4]), // 11
    { name: 'perm', shape: [3], type: 2, data: i32([2, 0, 1]) }, // 12
    int8('transposed', [4, 3, 3]), // 13
    int8('u0', [3, 3]), // 14
    int8('u1', [3, 3]), // 15
    int8('u2', [3, 3]), // 16
    int8('u3', [3, 3]), // 17
    int8('packed', [3, 2, 3]), // 18
    { name: 'minus1', shape: [], type: 2, data: i32([-1]) }, // 19
    int8('expanded', [3, 2, 3, 1]), // 20
    { name: 'sizes', shape: [2], type: 2, data: i32([1, -1]) }, // 21
    { name: 'axis0', shape: [1], type: 2, data: i32([0]) }, // 22
    int8('first', [1, 2, 3, 1]), // 23
    int8('rest', [2, 2, 3, 1]), // 24
  ];
  const model = buildModel(
    tensors,
    [
      { code: SPLIT, inputs: [1, 0], outputs: [2, 3], options: { type: 35, int32: [[0, 2]] } },
      { code: CONCATENATION, inputs: [3, 2], outputs: [4], options: { type: 10, int32: [[0, 3]] } },
      { code: PAD, inputs: [4, 5], outputs: [6] },
      // begin and end masks on axis 0 (its begin and end of 0 would otherwise select nothing): [:, 1:6:2, 0:8:3, 1:8:2].
      {
        code: STRIDED_SLICE,
        inputs: [6, 7, 8, 9],
        outputs: [10],
        options: {
          type: 32,
          int32: [
            [0, 0b0001],
            [1, 0b0001],
          ],
        },
      },
      { code: SQUEEZE, inputs: [10], outputs: [11], options: { type: 30, int32s: [[0, [0]]] } },
      { code: TRANSPOSE, inputs: [11, 12], outputs: [13] },
      {
        code: UNPACK,
        inputs: [13],
        outputs: [14, 15, 16, 17],
        options: {
          type: 64,
          int32: [
            [0, 4],
            [1, 0],
          ],
        },
      },
      {
        code: PACK,
        inputs: [17, 15],
        outputs: [18],
        options: {
          type: 59,
          int32: [
            [0, 2],
            [1, 1],
          ],
        },
      },
      { code: EXPAND_DIMS, inputs: [18, 19], outputs: [20] },
      { code: SPLIT_V, inputs: [20, 21, 22], outputs: [23, 24], options: { type: 79, int32: [[0, 2]] } },
    ],
    [0],
    [24],
  );

  it('keeps every value and its quantization: the int8 reference equals TensorFlow on the integers', () => {
    const g = importTflite(model, 'plumbing-int8.tflite');
    expect(g.nodes.every((n) => g.tensors[n.outputs[0]].dtype === 'i8')).toBe(true);
    const q = Int8Array.from({ length: 4 * 6 * 8 }, (_, i) => ((i * 37) % 255) - 127);
    const y = runGraph(g, { x: q }).outputs.rest;
    const want = tf.tidy(() => {
      const x = tf.sub(tf.tensor(Array.from(q), [1, 4, 6, 8]), Q.zeroPoint[0]); // padding adds real zeros
      const [a, b] = tf.split(x, 2, 3);
      const padded = tf.pad(tf.concat([b, a], 3), [
        [0, 0],
        [1, 1],
        [0, 2],
        [0, 0],
      ]);
      const sliced = tf.squeeze(tf.stridedSlice(padded, [0, 1, 0, 1], [0, 6, 8, 8], [1, 2, 3, 2], 0b0001, 0b0001), [0]);
      const rows = tf.unstack(tf.transpose(sliced, [2, 0, 1]), 0);
      const packed = tf.expandDims(tf.stack([rows[3], rows[1]], 1), -1);
      return tf
        .add(tf.split(packed, [1, 2], 0)[1], Q.zeroPoint[0])
        .dataSync()
        .slice();
    });
    expect(Array.from(y)).toEqual(Array.from(want));
  });

  it('the generated C matches the int8 reference byte for byte', () => {
    checkAgainstReference(importTflite(model, 'plumbing-int8.tflite'), { samples: 2 });
  });
});

/** Keras Conv1D as the TFLite converter writes it: EXPAND_DIMS(−3) → CONV_2D [O, 1, K, I] → SQUEEZE([−3]). */
function conv1dModel(dtype: 'float' | 'int8', w: Float32Array | Int8Array, bias: Float32Array | Int32Array) {
  const [L, I, O, K] = [32, 3, 8, 5];
  const act = (name: string, shape: number[], scale: number, zp: number): TensorSpec =>
    dtype === 'float' ? { name, shape, type: 0 } : { name, shape, type: 9, scale: [scale], zeroPoint: [zp] };
  const tensors: TensorSpec[] = [
    act('x', [1, L, I], 0.04, 2),
    { name: 'axis', shape: [], type: 2, data: i32([-3]) },
    act('x4', [1, 1, L, I], 0.04, 2),
    dtype === 'float'
      ? { name: 'w', shape: [O, 1, K, I], type: 0, data: f32(w) }
      : {
          name: 'w',
          shape: [O, 1, K, I],
          type: 9,
          data: new Uint8Array(w.buffer),
          scale: Array.from({ length: O }, (_, o) => 0.01 + 0.002 * o),
          axis: 0,
        },
    dtype === 'float'
      ? { name: 'b', shape: [O], type: 0, data: f32(bias) }
      : {
          name: 'b',
          shape: [O],
          type: 2,
          data: new Uint8Array(bias.buffer),
          scale: Array.from({ length: O }, (_, o) => 0.04 * (0.01 + 0.002 * o)),
          axis: 0,
        },
    act('y4', [1, 1, L - K + 1, O], 0.03, -128),
    act('y', [1, L - K + 1, O], 0.03, -128),
  ];
  return buildModel(
    tensors,
    [
      { code: EXPAND_DIMS, inputs: [0, 1], outputs: [2] },
      {
        code: CONV,
        version: 3,
        inputs: [2, 3, 4],
        outputs: [5],
        options: {
          type: 1,
          int8: [
            [0, 1],
            [3, 1],
          ],
          int32: [
            [1, 1],
            [2, 1],
          ],
        },
      },
      { code: SQUEEZE, inputs: [5], outputs: [6], options: { type: 30, int32s: [[0, [-3]]] } },
    ],
    [0],
    [6],
  );
}

describe('Keras exporter patterns in TFLite', () => {
  const r = rng(31);
  const [L, I, O, K] = [32, 3, 8, 5];

  it('Conv1D (EXPAND_DIMS → CONV_2D → SQUEEZE) imports as Reshape, Conv2D, Reshape and computes tf.conv1d + ReLU', () => {
    const x = randF32(r, L * I, -2, 2);
    const w = randF32(r, O * K * I, -0.5, 0.5);
    const bias = randF32(r, O, -0.2, 0.2);
    const g = importTflite(conv1dModel('float', w, bias), 'conv1d.tflite');
    expect(g.nodes.map((n) => n.op)).toEqual(['Reshape', 'Conv2D', 'Reshape']);
    const want = tf.tidy(() => {
      // tf.conv1d's filter is [K, I, O]; TFLite's is [O, 1, K, I].
      const filter = tf.transpose(tf.tensor(w, [O, K, I]), [1, 2, 0]) as tf.Tensor3D;
      return tf
        .relu(tf.add(tf.conv1d(tf.tensor(x, [1, L, I]) as tf.Tensor3D, filter, 1, 'valid'), tf.tensor(bias)))
        .dataSync()
        .slice();
    });
    expect(compare(runGraph(g, { x }).outputs.y, want)).toBeUndefined();
    checkAgainstReference(g, { samples: 2 });
  });

  it('Conv1D in int8: the generated C matches the reference byte for byte', () => {
    const w = Int8Array.from({ length: O * K * I }, () => Math.round(254 * r()) - 127);
    const bias = Int32Array.from({ length: O }, () => Math.round(2000 * r()) - 1000);
    const g = importTflite(conv1dModel('int8', w, bias), 'conv1d-int8.tflite');
    expect(g.nodes.map((n) => n.op)).toEqual(['Reshape', 'Conv2D', 'Reshape']);
    checkAgainstReference(g, { samples: 3 });
  });

  /** Keras GlobalAveragePooling2D → MEAN over axes 1, 2 (keepdims=True in Keras gives keep_dims). */
  function meanModel(keepDims: boolean): Graph {
    const out = keepDims ? [1, 1, 1, 8] : [1, 8];
    return importTflite(
      buildModel(
        [
          { name: 'x', shape: [1, 5, 3, 8], type: 9, scale: [0.05], zeroPoint: [-7] },
          { name: 'axes', shape: [2], type: 2, data: i32([1, 2]) },
          { name: 'y', shape: out, type: 9, scale: [0.05], zeroPoint: [4] },
        ],
        [{ code: MEAN, version: 2, inputs: [0, 1], outputs: [2], options: { type: 27, int8: [[0, keepDims ? 1 : 0]] } }],
        [0],
        [2],
      ),
      `mean-${keepDims}.tflite`,
    );
  }

  for (const keepDims of [true, false]) {
    it(`GlobalAveragePooling2D as int8 MEAN with keep_dims ${keepDims}: within one step of the float mean, C = reference`, () => {
      const g = meanModel(keepDims);
      expect(g.tensors.y.shape).toEqual(keepDims ? [1, 1, 1, 8] : [1, 8]);
      const q = Int8Array.from({ length: 5 * 3 * 8 }, (_, i) => ((i * 53) % 251) - 125);
      const y = runGraph(g, { x: q }).outputs.y;
      for (let c = 0; c < 8; c++) {
        let sum = 0;
        for (let p = 0; p < 15; p++) sum += 0.05 * (q[p * 8 + c] + 7);
        expect(Math.abs(0.05 * (y[c] - 4) - sum / 15)).toBeLessThanOrEqual(0.05);
      }
      checkAgainstReference(g, { samples: 2 });
    });
  }
});

describe('TFLite QUANTIZE and DEQUANTIZE around int8 plumbing (an int8 model with float input and output)', () => {
  // x f32 → QUANTIZE (scale 0.02) → TRANSPOSE → QUANTIZE i8 → i8 (scale 0.03, a requantize) → DEQUANTIZE → f32.
  const model = buildModel(
    [
      { name: 'x', shape: [1, 4, 6], type: 0 },
      { name: 'q1', shape: [1, 4, 6], type: 9, scale: [0.02], zeroPoint: [5] },
      { name: 'perm', shape: [3], type: 2, data: i32([0, 2, 1]) },
      { name: 't', shape: [1, 6, 4], type: 9, scale: [0.02], zeroPoint: [5] },
      { name: 'q2', shape: [1, 6, 4], type: 9, scale: [0.03], zeroPoint: [-9] },
      { name: 'y', shape: [1, 6, 4], type: 0 },
    ],
    [
      { code: QUANTIZE, inputs: [0], outputs: [1] },
      { code: TRANSPOSE, inputs: [1, 2], outputs: [3] },
      { code: QUANTIZE, version: 2, inputs: [3], outputs: [4] },
      { code: DEQUANTIZE, version: 2, inputs: [4], outputs: [5] },
    ],
    [0],
    [5],
  );

  it('round-trips each value to within the two quantization steps, and the C matches the reference', () => {
    const g = importTflite(model, 'quantize.tflite');
    expect(g.nodes.map((n) => n.op)).toEqual(['Quantize', 'Transpose', 'Quantize', 'Dequantize']);
    const x = randF32(rng(41), 24, -2, 2);
    const y = runGraph(g, { x }).outputs.y;
    for (let i = 0; i < 4; i++) for (let j = 0; j < 6; j++) expect(Math.abs(y[j * 4 + i] - x[i * 6 + j])).toBeLessThanOrEqual(0.01 + 0.03);
    checkAgainstReference(g, { samples: 2 });
  });
});
