// TFLite element-wise builtins mapped onto existing IR ops (MUL, SUB, DIV with their fused activations, RELU, RELU6,
// RELU_N1_TO_1, RELU_0_TO_1, LEAKY_RELU, PRELU, GELU, SIGN, NEG, SQUARE, SQUARED_DIFFERENCE, RSQRT) on hand-built
// .tflite files: the float reference against TensorFlow's own ops (tfjs); int8 MUL, SQUARE, GELU and RSQRT against the
// formula on the dequantized input, quantized (within one step); the generated C against the reference; and the
// int8 forms without a kernel refused by name.
import { describe, expect, it } from 'vitest';
import { importTflite } from '../../src/import/tflite.ts';
import { product } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { dequantizeArray, quantizeArray } from '../../src/reference/quant.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { tf } from '../../src/train/tf.ts';
import { randF32, randI8, rng } from '../codegen/graphs.ts';
import { errorOf } from '../errors.ts';
import { checkAgainstReference } from '../firmware/kernel-check.ts';
import { buildModel, f32, i8, type OpSpec } from './tflite-builder.ts';

const MUL = 18,
  RELU = 19,
  RELU_N1_TO_1 = 20,
  RELU6 = 21,
  SUB = 41,
  DIV = 42,
  PRELU = 54,
  NEG = 59,
  RSQRT = 76,
  SQUARE = 92,
  LEAKY_RELU = 98,
  SQUARED_DIFFERENCE = 99,
  GELU = 150,
  RELU_0_TO_1 = 152,
  SIGN = 158;

const SHAPE = [1, 3, 4, 5];
const N = product(SHAPE);

interface Case {
  name: string;
  code: number;
  /** A second operand: a constant of this shape (values in [−2, 2], or [0.5, 2] for DIV). */
  constant?: number[];
  options?: OpSpec['options'];
  /** Inputs in [lo, hi]. */
  range?: [number, number];
  tf: (x: tf.Tensor, k: tf.Tensor) => tf.Tensor;
  ops: string[];
}

const gelu = (x: tf.Tensor) => tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
const geluTanh = (x: tf.Tensor) =>
  tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))));

const CASES: Case[] = [
  { name: 'MUL', code: MUL, constant: [5], tf: (x, k) => tf.mul(x, k), ops: ['Mul'] },
  {
    name: 'MUL with a fused RELU',
    code: MUL,
    constant: [1, 3, 4, 5],
    options: { type: 21, int8: [[0, 1]] },
    tf: (x, k) => tf.relu(tf.mul(x, k)),
    ops: ['Mul'],
  },
  {
    name: 'SUB with a fused RELU6',
    code: SUB,
    constant: [1, 1, 5],
    options: { type: 28, int8: [[0, 3]] },
    tf: (x, k) => tf.relu6(tf.sub(x, k)),
    ops: ['Sub'],
  },
  { name: 'DIV', code: DIV, constant: [5], tf: (x, k) => tf.div(x, k), ops: ['Div'] },
  {
    name: 'DIV with a fused RELU',
    code: DIV,
    constant: [5],
    options: { type: 29, int8: [[0, 1]] },
    tf: (x, k) => tf.relu(tf.div(x, k)),
    ops: ['Div', 'Relu'],
  },
  { name: 'RELU', code: RELU, tf: (x) => tf.relu(x), ops: ['Relu'] },
  { name: 'RELU6', code: RELU6, range: [-3, 9], tf: (x) => tf.relu6(x), ops: ['Clip'] },
  { name: 'RELU_N1_TO_1', code: RELU_N1_TO_1, tf: (x) => tf.clipByValue(x, -1, 1), ops: ['Clip'] },
  { name: 'RELU_0_TO_1', code: RELU_0_TO_1, tf: (x) => tf.clipByValue(x, 0, 1), ops: ['Clip'] },
  { name: 'LEAKY_RELU', code: LEAKY_RELU, options: { type: 75, float32: [[0, 0.2]] }, tf: (x) => tf.leakyRelu(x, 0.2), ops: ['LeakyRelu'] },
  { name: 'PRELU with one slope per channel', code: PRELU, constant: [1, 1, 5], tf: (x, k) => tf.prelu(x, k), ops: ['PRelu'] },
  { name: 'GELU', code: GELU, tf: (x) => gelu(x), ops: ['Gelu'] },
  { name: 'GELU approximate', code: GELU, options: { type: 116, int8: [[0, 1]] }, tf: (x) => geluTanh(x), ops: ['Gelu'] },
  { name: 'SIGN', code: SIGN, tf: (x) => tf.sign(x), ops: ['Sign'] },
  { name: 'NEG', code: NEG, tf: (x) => tf.neg(x), ops: ['Mul'] },
  { name: 'SQUARE', code: SQUARE, tf: (x) => tf.square(x), ops: ['Mul'] },
  { name: 'SQUARED_DIFFERENCE', code: SQUARED_DIFFERENCE, constant: [5], tf: (x, k) => tf.squaredDifference(x, k), ops: ['Sub', 'Mul'] },
  { name: 'RSQRT', code: RSQRT, range: [0.05, 4], tf: (x) => tf.rsqrt(x), ops: ['Sqrt', 'Reciprocal'] },
];

function floatModel(c: Case, k: Float32Array | undefined): Uint8Array {
  const tensors = [
    { name: 'x', shape: SHAPE, type: 0 },
    ...(c.constant ? [{ name: 'k', shape: c.constant, type: 0, data: f32(k!) }] : []),
    { name: 'y', shape: SHAPE, type: 0 },
  ];
  const out = tensors.length - 1;
  const inputs = c.constant ? [0, 1] : [0];
  return buildModel(tensors, [{ code: c.code, inputs, outputs: [out], options: c.options }], [0], [out]);
}

describe('TFLite element-wise builtins on existing IR ops', () => {
  for (const c of CASES) {
    it(`${c.name}: the float reference computes what TensorFlow does, and the C matches it`, () => {
      const k = c.constant ? randF32(rng(2), product(c.constant), c.code === DIV ? 0.5 : -2, 2) : undefined;
      const [lo, hi] = c.range ?? [-3, 3];
      const x = randF32(rng(1), N, lo, hi);
      const g = importTflite(floatModel(c, k), `${c.name}.tflite`);
      expect(g.nodes.map((n) => n.op)).toEqual(c.ops);
      const want = tf.tidy(() => c.tf(tf.tensor(x, SHAPE), k ? tf.tensor(k, c.constant) : tf.scalar(0)).dataSync() as Float32Array);
      const got = runGraph(g, { x }).outputs[g.outputs[0]];
      expect(compare(got, want, 1e-5, 1e-6)).toBeUndefined();
      // RSQRT of a negative number is NaN, which no tolerance compares: the C runs on the positive input only.
      checkAgainstReference(g, c.code === RSQRT ? { samples: 0, extra: [x] } : { samples: 2 });
    });
  }
});

describe('int8 TFLite builtins', () => {
  const qx = { scale: 0.03, zeroPoint: -5 };
  const quantOf = (q: { scale: number; zeroPoint: number }) => ({ scale: [Math.fround(q.scale)], zeroPoint: [q.zeroPoint] });

  /** x int8 [1, 3, 4, 5] (qx), an optional int8 constant operand, y int8 (qy). */
  function int8Model(
    code: number,
    qy: { scale: number; zeroPoint: number },
    constant?: Uint8Array,
    version = code === SQUARE ? 1 : 2,
  ): Uint8Array {
    const tensors = [
      { name: 'x', shape: SHAPE, type: 9, scale: [qx.scale], zeroPoint: [qx.zeroPoint] },
      ...(constant ? [{ name: 'k', shape: [5], type: 9, data: constant, scale: [0.02], zeroPoint: [1] }] : []),
      { name: 'y', shape: SHAPE, type: 9, scale: [qy.scale], zeroPoint: [qy.zeroPoint] },
    ];
    const out = tensors.length - 1;
    return buildModel(tensors, [{ code, version, inputs: constant ? [0, 1] : [0], outputs: [out] }], [0], [out]);
  }

  const cases: {
    name: string;
    code: number;
    qy: { scale: number; zeroPoint: number };
    f: (x: number, i: number) => number;
    k?: boolean;
    xs?: () => Int8Array;
    ops: string[];
  }[] = [
    {
      name: 'MUL',
      code: MUL,
      qy: { scale: 0.004, zeroPoint: 2 },
      k: true,
      f: (x, i) => x * 0.02 * ([1, -3, 7, 20, -40][i % 5] - 1),
      ops: ['Mul'],
    },
    { name: 'SQUARE', code: SQUARE, qy: { scale: 0.05, zeroPoint: -128 }, f: (x) => x * x, ops: ['Mul'] },
    { name: 'GELU', code: GELU, qy: { scale: 0.02, zeroPoint: -100 }, f: (x) => 0.5 * x * (1 + erfApprox(x / Math.SQRT2)), ops: ['Gelu'] },
    {
      name: 'RSQRT',
      code: RSQRT,
      qy: { scale: 0.05, zeroPoint: -128 },
      // Positive inputs only (codes above the zero point): RSQRT of 0 or less is ∞ or NaN, which has no int8 value.
      xs: () => Int8Array.from(randI8(rng(8), N, 0, 127), (v) => Math.max(v, qx.zeroPoint + 1)),
      f: (x) => 1 / Math.sqrt(x),
      ops: ['Dequantize', 'Sqrt', 'Reciprocal', 'Quantize'],
    },
  ];
  const kCodes = i8(5, (i) => [1, -3, 7, 20, -40][i]);

  for (const c of cases) {
    it(`${c.name}: within one step of the formula on the dequantized input, and the C the same bytes`, () => {
      const g = importTflite(int8Model(c.code, c.qy, c.k ? kCodes : undefined), `${c.name}-int8.tflite`);
      expect(g.nodes.map((n) => n.op)).toEqual(c.ops);
      const xq = c.xs ? c.xs() : randI8(rng(7), N);
      const y = runGraph(g, { x: xq }).outputs[g.outputs[0]] as Int8Array;
      const real = dequantizeArray(xq, quantOf(qx));
      const want = quantizeArray(
        Array.from(real, (v, i) => c.f(v, i)),
        quantOf(c.qy),
      );
      expect(Math.max(...Array.from(y, (v, i) => Math.abs(v - want[i]))), c.name).toBeLessThanOrEqual(1);
      checkAgainstReference(g, c.xs ? { samples: 0, extra: [xq] } : { samples: 2, extra: [xq] });
    });
  }

  it('refuses int8 forms with no int8 kernel by name, and a fused TANH', () => {
    const sd = errorOf(() => importTflite(int8Model(SQUARED_DIFFERENCE, { scale: 0.1, zeroPoint: 0 }, kCodes, 1), 'sd.tflite'));
    expect(sd.code).toBe('unsupported-op');
    expect((sd.diagnostic.notes ?? []).join('\n')).toContain('SQUARED_DIFFERENCE on i8 tensors (float only)');
    const tanh = errorOf(() =>
      importTflite(floatModel({ ...CASES[0], options: { type: 21, int8: [[0, 4]] } }, new Float32Array(5).fill(1)), 'mul-tanh.tflite'),
    );
    expect((tanh.diagnostic.notes ?? []).join('\n')).toContain('fused activation TANH is not supported');
  });
});

/** erf by Abramowitz–Stegun 7.1.26 (|error| < 1.5e−7), far inside one int8 step. */
function erfApprox(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return Math.sign(x) * y;
}
