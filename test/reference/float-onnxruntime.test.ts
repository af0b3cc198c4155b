// Float reference kernels vs onnxruntime-node on one-node ONNX models built here (NCHW ONNX ⇄ NHWC IR at the boundary).
// Oracle tolerance as in the conformance runner: 1e-5 relative, 1e-6 absolute.
import { describe, expect, it } from 'vitest';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { OpAttrs, OpType } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';

const { onnx } = onnxProto;
const FLOAT = 1;

/** Deterministic data (mulberry32), uniform in [-1, 1). */
function random(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * 2 - 1;
  });
}

type Attr = number | number[] | { f: number };
interface OnnxCase {
  op: string;
  attrs?: Record<string, Attr>;
  x: { data: Float32Array; dims: number[] };
  inits?: { name: string; data: Float32Array; dims: number[] }[];
  outDims: number[];
}

function attribute(name: string, v: Attr) {
  if (Array.isArray(v)) return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: v };
  if (typeof v === 'object') return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v.f };
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: v };
}

const valueInfo = (name: string, dims: number[]) => ({
  name,
  type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
});

/** Runs one ONNX node (opset 13) in onnxruntime and returns its output. */
async function runOrt(c: OnnxCase): Promise<Float32Array> {
  const inits = c.inits ?? [];
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'case',
      node: [
        {
          opType: c.op,
          input: ['x', ...inits.map((i) => i.name)],
          output: ['y'],
          attribute: Object.entries(c.attrs ?? {}).map(([k, v]) => attribute(k, v)),
        },
      ],
      initializer: inits.map((i) => ({ name: i.name, dims: i.dims, dataType: FLOAT, floatData: [...i.data] })),
      input: [valueInfo('x', c.x.dims)],
      output: [valueInfo('y', c.outDims)],
    },
  });
  const session = await ort.InferenceSession.create(onnx.ModelProto.encode(model).finish());
  const out = await session.run({ x: new ort.Tensor('float32', c.x.data, c.x.dims) });
  return out.y.data as Float32Array;
}

/** NCHW ⇄ NHWC for 4-D data. */
function nchwToNhwc(d: Float32Array, [n, c, h, w]: number[]): Float32Array {
  const out = new Float32Array(d.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[((b * h + y) * w + x) * c + ch] = d[((b * c + ch) * h + y) * w + x];
  return out;
}

/** ONNX conv weights [O, I/g, KH, KW] → IR OHWI [O, KH, KW, I/g] (the same permutation as NCHW → NHWC). */
const oihwToOhwi = nchwToNhwc;

/** ONNX depthwise weights [C·mult, 1, KH, KW] → IR [1, KH, KW, C·mult]. */
function depthwiseWeights(d: Float32Array, [oc, , kh, kw]: number[]): Float32Array {
  const out = new Float32Array(d.length);
  for (let o = 0; o < oc; o++) for (let k = 0; k < kh * kw; k++) out[k * oc + o] = d[o * kh * kw + k];
  return out;
}

function expectClose(actual: Float32Array, expected: Float32Array) {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const excess = Math.abs(actual[i] - expected[i]) - (1e-6 + 1e-5 * Math.abs(expected[i]));
    if (excess > worst) worst = excess;
    if (excess > 0) expect.fail(`index ${i}: reference ${actual[i]} vs onnxruntime ${expected[i]}`);
  }
  expect(worst).toBe(0);
}

/** Builds the IR twin of a one-node case: NHWC input, given constants, and runs the reference. */
function runIr<K extends OpType>(
  op: K,
  xNhwc: Float32Array,
  xShape: number[],
  consts: [Float32Array, number[]][],
  attrs: Partial<OpAttrs[K]>,
): Float32Array {
  const b = new GraphBuilder('ir');
  const x = b.input('x', xShape);
  const y = b.node(op, [x, ...consts.map(([d, s], i) => b.constant(`c${i}`, d, s))], attrs, 'y');
  return runGraph(b.output(y).build(), { x: xNhwc }).outputs.y as Float32Array;
}

const outSize = (i: number, k: number, s: number, d: number, p0: number, p1: number) => Math.floor((i + p0 + p1 - d * (k - 1) - 1) / s) + 1;

describe('float kernels agree with onnxruntime', () => {
  const convCases = [
    { name: '3×3 same, bias', n: 1, c: 3, h: 9, w: 8, o: 8, k: [3, 3], s: [1, 1], d: [1, 1], p: [1, 1, 1, 1], g: 1 },
    { name: 'stride 2, asymmetric pads', n: 1, c: 4, h: 10, w: 7, o: 5, k: [3, 2], s: [2, 2], d: [1, 1], p: [0, 1, 2, 0], g: 1 },
    { name: 'dilation 2', n: 1, c: 2, h: 11, w: 11, o: 4, k: [3, 3], s: [1, 1], d: [2, 2], p: [2, 2, 2, 2], g: 1 },
    { name: 'groups 2, batch 2', n: 2, c: 6, h: 6, w: 6, o: 4, k: [3, 3], s: [1, 2], d: [1, 1], p: [1, 0, 1, 1], g: 2 },
    { name: '1×1 pointwise, 64 channels', n: 1, c: 64, h: 4, w: 4, o: 32, k: [1, 1], s: [1, 1], d: [1, 1], p: [0, 0, 0, 0], g: 1 },
  ];
  for (const [idx, t] of convCases.entries()) {
    it(`Conv: ${t.name}`, async () => {
      const wDims = [t.o, t.c / t.g, ...t.k];
      const x = random(t.n * t.c * t.h * t.w, 10 + idx);
      const w = random(
        wDims.reduce((a, b) => a * b),
        20 + idx,
      );
      const bias = random(t.o, 30 + idx);
      const oh = outSize(t.h, t.k[0], t.s[0], t.d[0], t.p[0], t.p[2]);
      const ow = outSize(t.w, t.k[1], t.s[1], t.d[1], t.p[1], t.p[3]);
      const expected = await runOrt({
        op: 'Conv',
        attrs: { kernel_shape: t.k, strides: t.s, dilations: t.d, pads: t.p, group: t.g },
        x: { data: x, dims: [t.n, t.c, t.h, t.w] },
        inits: [
          { name: 'w', data: w, dims: wDims },
          { name: 'b', data: bias, dims: [t.o] },
        ],
        outDims: [t.n, t.o, oh, ow],
      });
      const actual = runIr(
        'Conv2D',
        nchwToNhwc(x, [t.n, t.c, t.h, t.w]),
        [t.n, t.h, t.w, t.c],
        [
          [oihwToOhwi(w, wDims), [t.o, t.k[0], t.k[1], t.c / t.g]],
          [bias, [t.o]],
        ],
        {
          strides: t.s as [number, number],
          dilations: t.d as [number, number],
          pads: t.p as [number, number, number, number],
          groups: t.g,
        },
      );
      expectClose(actual, nchwToNhwc(expected, [t.n, t.o, oh, ow]));
    });
  }

  for (const mult of [1, 2]) {
    it(`depthwise (Conv group = C), multiplier ${mult}, stride 2, asymmetric pads`, async () => {
      const [c, h, w] = [5, 9, 8];
      const oc = c * mult;
      const wDims = [oc, 1, 3, 3];
      const x = random(c * h * w, 40 + mult);
      const wt = random(oc * 9, 50 + mult);
      const bias = random(oc, 60 + mult);
      const p = [1, 0, 1, 2];
      const oh = outSize(h, 3, 2, 1, p[0], p[2]);
      const ow = outSize(w, 3, 2, 1, p[1], p[3]);
      const expected = await runOrt({
        op: 'Conv',
        attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: p, group: c },
        x: { data: x, dims: [1, c, h, w] },
        inits: [
          { name: 'w', data: wt, dims: wDims },
          { name: 'b', data: bias, dims: [oc] },
        ],
        outDims: [1, oc, oh, ow],
      });
      const actual = runIr(
        'DepthwiseConv2D',
        nchwToNhwc(x, [1, c, h, w]),
        [1, h, w, c],
        [
          [depthwiseWeights(wt, wDims), [1, 3, 3, oc]],
          [bias, [oc]],
        ],
        { strides: [2, 2], pads: p as [number, number, number, number], multiplier: mult },
      );
      expectClose(actual, nchwToNhwc(expected, [1, oc, oh, ow]));
    });
  }

  const poolCases = [
    { op: 'MaxPool', ir: 'MaxPool', k: [3, 3], s: [2, 2], p: [1, 1, 1, 1], cip: 0 },
    { op: 'MaxPool', ir: 'MaxPool', k: [2, 3], s: [1, 2], p: [0, 1, 1, 0], cip: 0 },
    { op: 'AveragePool', ir: 'AveragePool', k: [3, 3], s: [2, 2], p: [1, 1, 1, 1], cip: 0 },
    { op: 'AveragePool', ir: 'AveragePool', k: [3, 3], s: [2, 2], p: [1, 1, 1, 1], cip: 1 },
    { op: 'AveragePool', ir: 'AveragePool', k: [2, 2], s: [1, 1], p: [1, 0, 0, 1], cip: 1 },
  ] as const;
  for (const [idx, t] of poolCases.entries()) {
    it(`${t.op} kernel ${t.k} stride ${t.s} pads ${t.p}${t.op === 'AveragePool' ? ` count_include_pad ${t.cip}` : ''}`, async () => {
      const [c, h, w] = [3, 7, 6];
      const x = random(c * h * w, 70 + idx);
      const oh = outSize(h, t.k[0], t.s[0], 1, t.p[0], t.p[2]);
      const ow = outSize(w, t.k[1], t.s[1], 1, t.p[1], t.p[3]);
      const attrs: Record<string, Attr> = { kernel_shape: [...t.k], strides: [...t.s], pads: [...t.p] };
      if (t.op === 'AveragePool') attrs.count_include_pad = t.cip;
      const expected = await runOrt({ op: t.op, attrs, x: { data: x, dims: [1, c, h, w] }, outDims: [1, c, oh, ow] });
      const irAttrs = { kernel: [...t.k], strides: [...t.s], pads: [...t.p], countIncludePad: t.cip === 1 } as Partial<
        OpAttrs['AveragePool']
      >;
      const actual = runIr(t.ir, nchwToNhwc(x, [1, c, h, w]), [1, h, w, c], [], irAttrs);
      expectClose(actual, nchwToNhwc(expected, [1, c, oh, ow]));
    });
  }

  it('GlobalAveragePool', async () => {
    const x = random(2 * 6 * 5 * 4, 80);
    const expected = await runOrt({ op: 'GlobalAveragePool', x: { data: x, dims: [2, 6, 5, 4] }, outDims: [2, 6, 1, 1] });
    expectClose(runIr('GlobalAveragePool', nchwToNhwc(x, [2, 6, 5, 4]), [2, 5, 4, 6], [], {}), expected);
  });

  it('Softmax on the last axis, and on channels (NCHW axis 1 = NHWC axis 3)', async () => {
    const x = random(3 * 10, 90).map((v) => v * 8);
    expectClose(
      runIr('Softmax', x, [3, 10], [], {}),
      await runOrt({ op: 'Softmax', attrs: { axis: -1 }, x: { data: x, dims: [3, 10] }, outDims: [3, 10] }),
    );
    const x4 = random(1 * 4 * 3 * 2, 91).map((v) => v * 5);
    const expected = await runOrt({ op: 'Softmax', attrs: { axis: 1 }, x: { data: x4, dims: [1, 4, 3, 2] }, outDims: [1, 4, 3, 2] });
    expectClose(runIr('Softmax', nchwToNhwc(x4, [1, 4, 3, 2]), [1, 3, 2, 4], [], { axis: 3 }), nchwToNhwc(expected, [1, 4, 3, 2]));
  });

  it('Gemm (transB = 1, bias) = Dense with W [out, in]', async () => {
    const [n, k, m] = [2, 300, 100];
    const x = random(n * k, 100);
    const w = random(m * k, 101);
    const bias = random(m, 102);
    const expected = await runOrt({
      op: 'Gemm',
      attrs: { transB: 1 },
      x: { data: x, dims: [n, k] },
      inits: [
        { name: 'w', data: w, dims: [m, k] },
        { name: 'b', data: bias, dims: [m] },
      ],
      outDims: [n, m],
    });
    expectClose(
      runIr(
        'Dense',
        x,
        [n, k],
        [
          [w, [m, k]],
          [bias, [m]],
        ],
        {},
      ),
      expected,
    );
  });

  it('LeakyRelu, Sigmoid, Tanh, Relu element-wise', async () => {
    const x = random(64, 110).map((v) => v * 6);
    const cases: [string, OpType, Record<string, Attr>, Partial<OpAttrs['LeakyRelu']>][] = [
      ['LeakyRelu', 'LeakyRelu', { alpha: { f: 0.2 } }, { alpha: 0.2 }],
      ['Sigmoid', 'Sigmoid', {}, {}],
      ['Tanh', 'Tanh', {}, {}],
      ['Relu', 'Relu', {}, {}],
    ];
    for (const [onnxOp, irOp, attrs, irAttrs] of cases) {
      const expected = await runOrt({ op: onnxOp, attrs, x: { data: x, dims: [64] }, outDims: [64] });
      expectClose(runIr(irOp, x, [64], [], irAttrs as never), expected);
    }
  });

  it('BatchNormalization (inference) on channels', async () => {
    const [c, h, w] = [4, 3, 3];
    const x = random(c * h * w, 120);
    const [scale, bias, mean] = [random(c, 121), random(c, 122), random(c, 123)];
    const variance = random(c, 124).map((v) => Math.abs(v) + 0.1);
    const names = ['scale', 'bias', 'mean', 'var'];
    const expected = await runOrt({
      op: 'BatchNormalization',
      attrs: { epsilon: { f: 1e-3 } },
      x: { data: x, dims: [1, c, h, w] },
      inits: [scale, bias, mean, variance].map((data, i) => ({ name: names[i], data, dims: [c] })),
      outDims: [1, c, h, w],
    });
    const actual = runIr(
      'BatchNormalization',
      nchwToNhwc(x, [1, c, h, w]),
      [1, h, w, c],
      [scale, bias, mean, variance].map((d) => [d, [c]] as [Float32Array, number[]]),
      { epsilon: 1e-3 },
    );
    expectClose(actual, nchwToNhwc(expected, [1, c, h, w]));
  });

  it('Transpose with a non-trivial permutation', async () => {
    const x = random(2 * 3 * 4 * 5, 130);
    const expected = await runOrt({
      op: 'Transpose',
      attrs: { perm: [2, 0, 3, 1] },
      x: { data: x, dims: [2, 3, 4, 5] },
      outDims: [4, 2, 5, 3],
    });
    expectClose(runIr('Transpose', x, [2, 3, 4, 5], [], { perm: [2, 0, 3, 1] }), expected);
  });

  it('Add, Sub, Mul, Div with numpy broadcasting, and Clip', async () => {
    const x = random(2 * 3 * 4, 140);
    const other = random(3 * 1, 141).map((v) => v + 2); // away from 0 for Div
    for (const [onnxOp, irOp] of [
      ['Add', 'Add'],
      ['Sub', 'Sub'],
      ['Mul', 'Mul'],
      ['Div', 'Div'],
    ] as const) {
      const expected = await runOrt({
        op: onnxOp,
        x: { data: x, dims: [2, 3, 4] },
        inits: [{ name: 'o', data: other, dims: [3, 1] }],
        outDims: [2, 3, 4],
      });
      expectClose(runIr(irOp, x, [2, 3, 4], [[other, [3, 1]]], {}), expected);
    }
    const bounds = [
      { name: 'lo', data: Float32Array.of(-0.25), dims: [] },
      { name: 'hi', data: Float32Array.of(0.5), dims: [] },
    ];
    const expected = await runOrt({ op: 'Clip', x: { data: x, dims: [24] }, inits: bounds, outDims: [24] });
    expectClose(runIr('Clip', x, [24], [], { min: -0.25, max: 0.5 }), expected);
  });
});
