// TFLite import on hand-built flatbuffers: padding, flattening and quantization edge cases, one error listing
// every unsupported node, and 'bad-model-file' for truncated or inconsistent files.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importTflite } from '../../src/import/tflite.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { mlperfTiny } from '../mlperf-tiny.ts';
import { errorOf } from '../errors.ts';
import { buildModel, i32, i8 } from './tflite-builder.ts';

const CONV = 3,
  FC = 9,
  SOFTMAX = 25,
  LOGISTIC = 14,
  BATCH_MATMUL = 126,
  EXP = 47,
  MEAN = 40,
  REDUCE_MAX = 82,
  DEQUANTIZE = 6,
  HARD_SWISH = 117,
  GATHER = 36,
  SLICE = 65,
  MIRROR_PAD = 100,
  BROADCAST_TO = 130,
  ABS = 101,
  SQRT = 75,
  FLOOR = 8,
  CEIL = 104,
  ROUND = 116,
  SIN = 66,
  COS = 108,
  ELU = 111,
  REDUCE_MIN = 89,
  REDUCE_PROD = 81,
  MINIMUM = 57,
  MAXIMUM = 55,
  POW = 78,
  LOG_SOFTMAX = 50,
  RESIZE_BILINEAR = 23,
  RESIZE_NEAREST_NEIGHBOR = 97,
  TRANSPOSE_CONV = 67,
  DEPTH_TO_SPACE = 5,
  SPACE_TO_DEPTH = 26,
  TILE = 69;

describe('TFLite import of hand-built models', () => {
  it('SAME padding with an odd total puts the extra row/column after, as TFLite computes it', () => {
    // 5x5 input, 2x2 filter, stride 2: out 3, total pad (3-1)*2+2-5 = 1 → [0 before, 1 after].
    const model = buildModel(
      [
        { name: 'x', shape: [1, 5, 5, 2], type: 9, scale: [0.5], zeroPoint: [-3] },
        { name: 'w', shape: [3, 2, 2, 2], type: 9, data: i8(24), scale: [0.1, 0.2, 0.3], zeroPoint: [0, 0, 0], axis: 0 },
        { name: 'b', shape: [3], type: 2, data: i32([1, -2, 3]), scale: [0.05, 0.1, 0.15], axis: 0 },
        { name: 'y', shape: [1, 3, 3, 3], type: 9, scale: [0.25], zeroPoint: [7] },
      ],
      [
        {
          code: CONV,
          version: 3,
          inputs: [0, 1, 2],
          outputs: [3],
          options: {
            type: 1,
            int8: [
              [0, 0],
              [3, 3],
            ],
            int32: [
              [1, 2],
              [2, 2],
            ],
          },
        },
      ],
      [0],
      [3],
    );
    const g = importTflite(model, 'same.tflite');
    expect(g.nodes[0]).toMatchObject({
      op: 'Conv2D',
      inputs: ['x', 'w', 'b'],
      outputs: ['y'],
      attrs: { pads: [0, 0, 1, 1], strides: [2, 2], activation: 'relu6', groups: 1 },
    });
    // Scales arrive as the float32 values stored in the file, zero points as integers.
    expect(g.tensors.w.quant).toEqual({ scale: [Math.fround(0.1), Math.fround(0.2), Math.fround(0.3)], zeroPoint: [0, 0, 0], axis: 0 });
    expect(g.tensors.x.quant).toEqual({ scale: [0.5], zeroPoint: [-3] });
    expect([...g.tensors.b.data!]).toEqual([1, -2, 3]);
    expect([...g.tensors.w.data!].slice(0, 8)).toEqual([-3, -2, -1, 0, 1, 2, 3, -3]);
  });

  it('FULLY_CONNECTED on a 4-D input gets a Reshape to [N, in] in front', () => {
    const model = buildModel(
      [
        { name: 'x', shape: [1, 2, 2, 3], type: 0 },
        { name: 'w', shape: [4, 12], type: 0, data: new Uint8Array(Float32Array.from({ length: 48 }, (_, i) => i / 10).buffer) },
        { name: 'y', shape: [1, 4], type: 0 },
      ],
      [{ code: FC, inputs: [0, 1, -1], outputs: [2], options: { type: 8, int8: [[0, 1]] } }],
      [0],
      [2],
    );
    const g = importTflite(model, 'fc.tflite');
    expect(g.nodes.map((n) => n.op)).toEqual(['Reshape', 'Dense']);
    const flat = g.nodes[0].outputs[0];
    expect(g.tensors[flat].shape).toEqual([1, 12]);
    expect(g.nodes[0].attrs).toEqual({ shape: [1, 12] });
    expect(g.nodes[1]).toMatchObject({ inputs: [flat, 'w', ''], outputs: ['y'], attrs: { activation: 'relu' } });
    expect(g.tensors.w.data![47]).toBeCloseTo(4.7, 6);
  });

  it("an int8 HARD_SWISH becomes a HardSwish node with the file's input and output quantization", () => {
    const model = buildModel(
      [
        { name: 'x', shape: [1, 4, 4, 3], type: 9, scale: [0.05], zeroPoint: [3] },
        { name: 'y', shape: [1, 4, 4, 3], type: 9, scale: [0.03], zeroPoint: [-115] },
      ],
      [{ code: HARD_SWISH, version: 2, inputs: [0], outputs: [1] }],
      [0],
      [1],
    );
    const g = importTflite(model, 'hswish.tflite');
    expect(g.nodes).toEqual([{ name: 'y', op: 'HardSwish', inputs: ['x'], outputs: ['y'], attrs: {} }]);
    expect(g.tensors.y).toMatchObject({ dtype: 'i8', quant: { scale: [Math.fround(0.03)], zeroPoint: [-115] } });
  });

  it('MEAN over H and W (keep_dims), LOGISTIC, EXP and REDUCE_MAX over C become the IR ops and compute them', () => {
    const model = buildModel(
      [
        { name: 'x', shape: [1, 2, 3, 4], type: 0 },
        { name: 'hw', shape: [2], type: 2, data: i32([1, -2]) },
        { name: 'mean', shape: [1, 1, 1, 4], type: 0 },
        { name: 'sig', shape: [1, 1, 1, 4], type: 0 },
        { name: 'e', shape: [1, 1, 1, 4], type: 0 },
        { name: 'c', shape: [1], type: 2, data: i32([3]) },
        { name: 'y', shape: [1, 1, 1], type: 0 },
      ],
      [
        { code: MEAN, version: 2, inputs: [0, 1], outputs: [2], options: { type: 27, int8: [[0, 1]] } },
        { code: LOGISTIC, inputs: [2], outputs: [3] },
        { code: EXP, inputs: [3], outputs: [4] },
        { code: REDUCE_MAX, inputs: [4, 5], outputs: [6], options: { type: 27, int8: [[0, 0]] } },
      ],
      [0],
      [6],
    );
    const g = importTflite(model, 'reduce.tflite');
    expect(g.nodes.map((n) => [n.op, n.attrs])).toEqual([
      ['ReduceMean', { axes: [1, 2], keepdims: true }],
      ['Sigmoid', {}],
      ['Exp', {}],
      ['ReduceMax', { axes: [3], keepdims: false }],
    ]);
    const x = Float32Array.from({ length: 24 }, (_, i) => ((i * 7) % 11) / 4 - 1);
    const means = [0, 1, 2, 3].map((c) => [0, 1, 2, 3, 4, 5].reduce((s, p) => s + x[p * 4 + c], 0) / 6);
    const want = Math.max(...means.map((m) => Math.exp(1 / (1 + Math.exp(-m)))));
    expect(runGraph(g, { x }).outputs.y[0]).toBeCloseTo(want, 5);
  });

  it('ABS, SQRT, SIN, COS, ELU, FLOOR, CEIL and ROUND become the IR ops and compute them', () => {
    const names = ['x', 'abs', 'sqrt', 'sin', 'cos', 'elu', 'floor', 'ceil', 'round'];
    const codes = [ABS, SQRT, SIN, COS, ELU, FLOOR, CEIL, ROUND];
    const model = buildModel(
      names.map((name) => ({ name, shape: [1, 6], type: 0 })),
      codes.map((code, i) => ({ code, inputs: [i], outputs: [i + 1] })),
      [0],
      [8],
    );
    const g = importTflite(model, 'math.tflite');
    expect(g.nodes.map((n) => [n.op, n.attrs])).toEqual([
      ['Abs', {}],
      ['Sqrt', {}],
      ['Sin', {}],
      ['Cos', {}],
      ['Elu', { alpha: 1 }],
      ['Floor', {}],
      ['Ceil', {}],
      ['Round', {}],
    ]);
    const x = Float32Array.of(-9, -2.25, -0.5, 0, 1.5, 16);
    const y = runGraph(g, { x }).outputs.round;
    // Every step after Floor is an integer already, so Ceil and Round keep it.
    const want = Array.from(x, (v) => {
      const c = Math.cos(Math.sin(Math.sqrt(Math.abs(v))));
      return Math.floor(c < 0 ? Math.expm1(c) : c);
    });
    expect(Array.from(y)).toEqual(want);
  });

  it('REDUCE_MIN and REDUCE_PROD become ReduceMin and ReduceProd and compute them', () => {
    const model = buildModel(
      [
        { name: 'x', shape: [1, 2, 3], type: 0 },
        { name: 'last', shape: [1], type: 2, data: i32([-1]) },
        { name: 'min', shape: [1, 2], type: 0 },
        { name: 'first', shape: [1], type: 2, data: i32([1]) },
        { name: 'prod', shape: [1, 1], type: 0 },
      ],
      [
        { code: REDUCE_MIN, inputs: [0, 1], outputs: [2], options: { type: 27, int8: [[0, 0]] } },
        { code: REDUCE_PROD, inputs: [2, 3], outputs: [4], options: { type: 27, int8: [[0, 1]] } },
      ],
      [0],
      [4],
    );
    const g = importTflite(model, 'reduce-min-prod.tflite');
    expect(g.nodes.map((n) => [n.op, n.attrs])).toEqual([
      ['ReduceMin', { axes: [2], keepdims: false }],
      ['ReduceProd', { axes: [1], keepdims: true }],
    ]);
    const x = Float32Array.of(3, -2, 5, 0.5, 4, 1.5);
    expect(Array.from(runGraph(g, { x }).outputs.prod)).toEqual([-2 * 0.5]);
  });

  it('MAXIMUM, MINIMUM and POW become Max, Min and Pow with broadcasting', () => {
    const model = buildModel(
      [
        { name: 'x', shape: [2, 3], type: 0 },
        { name: 'floor', shape: [3], type: 0, data: new Uint8Array(Float32Array.of(0.5, 1, 1.5).buffer) },
        { name: 'max', shape: [2, 3], type: 0 },
        { name: 'cap', shape: [1], type: 0, data: new Uint8Array(Float32Array.of(2).buffer) },
        { name: 'min', shape: [2, 3], type: 0 },
        { name: 'two', shape: [1], type: 0, data: new Uint8Array(Float32Array.of(2).buffer) },
        { name: 'y', shape: [2, 3], type: 0 },
      ],
      [
        { code: MAXIMUM, inputs: [0, 1], outputs: [2] },
        { code: MINIMUM, inputs: [2, 3], outputs: [4] },
        { code: POW, inputs: [4, 5], outputs: [6] },
      ],
      [0],
      [6],
    );
    const g = importTflite(model, 'min-max-pow.tflite');
    expect(g.nodes.map((n) => n.op)).toEqual(['Max', 'Min', 'Pow']);
    const x = Float32Array.of(0, 1.25, 3, -1, 0.75, 1.75);
    expect(Array.from(runGraph(g, { x }).outputs.y)).toEqual([0.25, 1.5625, 4, 0.25, 1, 3.0625]);
  });

  it('LOG_SOFTMAX becomes LogSoftmax over the last axis', () => {
    const model = buildModel(
      [
        { name: 'x', shape: [1, 3], type: 0 },
        { name: 'y', shape: [1, 3], type: 0 },
      ],
      [{ code: LOG_SOFTMAX, inputs: [0], outputs: [1] }],
      [0],
      [1],
    );
    const g = importTflite(model, 'log-softmax.tflite');
    expect(g.nodes.map((n) => [n.op, n.attrs])).toEqual([['LogSoftmax', { axis: -1 }]]);
    const y = runGraph(g, { x: Float32Array.of(1, 2, 3) }).outputs.y;
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    [1, 2, 3].forEach((v, i) => expect(y[i]).toBeCloseTo(v - lse, 5));
  });

  it('a DEQUANTIZE of constant int8 weights is folded into a float constant', () => {
    const model = buildModel(
      [
        { name: 'x', shape: [1, 3], type: 0 },
        { name: 'wq', shape: [2, 3], type: 9, data: i8(6, (i) => i - 2), scale: [0.5], zeroPoint: [1] },
        { name: 'w', shape: [2, 3], type: 0 },
        { name: 'y', shape: [1, 2], type: 0 },
      ],
      [
        { code: DEQUANTIZE, version: 2, inputs: [1], outputs: [2] },
        { code: FC, inputs: [0, 2], outputs: [3], options: { type: 8 } },
      ],
      [0],
      [3],
    );
    const g = importTflite(model, 'deq.tflite');
    expect(g.nodes.map((n) => n.op)).toEqual(['Dense']);
    expect([...g.tensors.w.data!]).toEqual([-1.5, -1, -0.5, 0, 0.5, 1]);
    expect(g.tensors.wq).toBeUndefined();
  });

  it('reports every unsupported node at once: index, output tensor, op and why', () => {
    const model = buildModel(
      [
        { name: 'x', shape: [1, 4, 4, 1], type: 0 },
        { name: 'w', shape: [1, 1, 1, 1], type: 0, data: new Uint8Array(Float32Array.of(1).buffer) },
        { name: 'conv_tanh', shape: [1, 4, 4, 1], type: 0 },
        { name: 'sig', shape: [1, 4, 4, 1], type: 0 },
        { name: 'sm', shape: [1, 4, 4, 1], type: 0 },
      ],
      [
        {
          code: CONV,
          inputs: [0, 1, -1],
          outputs: [2],
          options: {
            type: 1,
            int8: [
              [0, 1],
              [3, 4],
            ],
            int32: [
              [1, 1],
              [2, 1],
            ],
          },
        },
        { code: BATCH_MATMUL, inputs: [2], outputs: [3] },
        { code: SOFTMAX, version: 9, inputs: [3], outputs: [4], options: { type: 9, float32: [[0, 1]] } },
      ],
      [0],
      [4],
    );
    const e = errorOf(() => importTflite(model, 'three-bad.tflite'));
    expect(e.code).toBe('unsupported-op');
    expect(e.message).toContain('3 nodes of three-bad.tflite');
    const notes = e.diagnostic.notes!;
    expect(notes).toHaveLength(3);
    expect(notes[0]).toMatch(/node 0 "conv_tanh" \(CONV_2D\).*TANH/);
    expect(notes[1]).toMatch(/node 1 "sig" \(BATCH_MATMUL\)/);
    expect(notes[2]).toMatch(/node 2 "sm" \(SOFTMAX\).*version 9/);
  });

  it('an INT16 activation is unsupported, not misread', () => {
    const model = buildModel(
      [
        { name: 'x', shape: [1, 4], type: 7, scale: [0.1] },
        { name: 'y', shape: [1, 4], type: 7, scale: [1 / 32768] },
      ],
      [{ code: SOFTMAX, version: 3, inputs: [0], outputs: [1], options: { type: 9, float32: [[0, 1]] } }],
      [0],
      [1],
    );
    const e = errorOf(() => importTflite(model, 'int16.tflite'));
    expect(e.code).toBe('unsupported-op');
    expect(e.diagnostic.notes!.join('\n')).toContain('INT16');
  });
});

describe('TFLite tensor plumbing', () => {
  it('SLICE, MIRROR_PAD (REFLECT), GATHER and BROADCAST_TO become Slice, Pad, Gather and Expand that compute as TFLite does', () => {
    const model = buildModel(
      [
        { name: 'x', shape: [1, 3, 4], type: 0 },
        { name: 'begin', shape: [3], type: 2, data: i32([0, 1, 0]) },
        { name: 'size', shape: [3], type: 2, data: i32([1, -1, 3]) },
        { name: 's', shape: [1, 2, 3], type: 0 },
        { name: 'paddings', shape: [3, 2], type: 2, data: i32([0, 0, 1, 0, 0, 2]) },
        { name: 'p', shape: [1, 3, 5], type: 0 },
        { name: 'indices', shape: [2], type: 2, data: i32([4, 0]) },
        { name: 'g', shape: [1, 3, 2], type: 0 },
        { name: 'shape', shape: [4], type: 2, data: i32([2, 1, 3, 2]) },
        { name: 'y', shape: [2, 1, 3, 2], type: 0 },
      ],
      [
        { code: SLICE, inputs: [0, 1, 2], outputs: [3] },
        { code: MIRROR_PAD, inputs: [3, 4], outputs: [5], options: { type: 77, int8: [[0, 0]] } },
        { code: GATHER, inputs: [5, 6], outputs: [7], options: { type: 23, int32: [[0, -1]] } },
        { code: BROADCAST_TO, inputs: [7, 8], outputs: [9] },
      ],
      [0],
      [9],
    );
    const g = importTflite(model, 'plumbing.tflite');
    expect(g.nodes.map((n) => n.op)).toEqual(['Slice', 'Pad', 'Gather', 'Reshape', 'Expand']);
    // x = 0..11 as [1,3,4]; slice rows 1..2, columns 0..2: [[4,5,6],[8,9,10]]; reflect 1 row before, 2 columns after:
    // [[8,9,10,9,8],[4,5,6,5,4],[8,9,10,9,8]]; columns 4 and 0: [[8,8],[4,4],[8,8]]; broadcast to [2,1,3,2].
    const y = runGraph(g, { x: Float32Array.from({ length: 12 }, (_, i) => i) }).outputs.y;
    expect(Array.from(y)).toEqual([8, 8, 4, 4, 8, 8, 8, 8, 4, 4, 8, 8]);
  });

  it('MIRROR_PAD in SYMMETRIC mode is refused by name', () => {
    const model = buildModel(
      [
        { name: 'x', shape: [1, 3], type: 0 },
        { name: 'paddings', shape: [2, 2], type: 2, data: i32([0, 0, 1, 1]) },
        { name: 'y', shape: [1, 5], type: 0 },
      ],
      [{ code: MIRROR_PAD, inputs: [0, 1], outputs: [2], options: { type: 77, int8: [[0, 1]] } }],
      [0],
      [2],
    );
    expect(() => importTflite(model, 'symmetric.tflite')).toThrow(
      expect.objectContaining({ diagnostic: expect.objectContaining({ notes: [expect.stringMatching(/MIRROR_PAD in SYMMETRIC mode/)] }) }),
    );
  });
});

describe('corrupt TFLite files', () => {
  const kwsPath = mlperfTiny('kws01/models/kws_ref_model.tflite');
  const kws = new Uint8Array(readFileSync(kwsPath));

  it('a truncated file names the file and the part that lies outside it', () => {
    for (const len of [0, 6, 1000, kws.length - 100]) {
      const e = errorOf(() => importTflite(kws.subarray(0, len), 'cut.tflite'));
      expect(e.code).toBe('bad-model-file');
      expect(e.message).toMatch(/^cut\.tflite is not a valid TFLite model: .*(outside|identifier)/);
      expect(e.diagnostic.location?.file).toBe('cut.tflite');
    }
  });

  it('a wrong file identifier is rejected before anything is read', () => {
    const bad = kws.slice();
    bad.set([0x4f, 0x4e, 0x4e, 0x58], 4);
    expect(errorOf(() => importTflite(bad, 'x.tflite')).message).toContain('identifier is "ONNX"');
  });

  it('a root offset pointing past the end is caught', () => {
    const bad = kws.slice();
    new DataView(bad.buffer).setUint32(0, kws.length + 16, true);
    const e = errorOf(() => importTflite(bad, 'root.tflite'));
    expect(e.code).toBe('bad-model-file');
    expect(e.message).toContain('outside the');
  });

  it('a constant tensor larger than its buffer names the tensor and both sizes', () => {
    const model = buildModel(
      [
        { name: 'x', shape: [1, 3], type: 0 },
        { name: 'w', shape: [2, 300], type: 0, data: new Uint8Array(24) },
        { name: 'y', shape: [1, 2], type: 0 },
      ],
      [{ code: FC, inputs: [0, 1], outputs: [2], options: { type: 8 } }],
      [0],
      [2],
    );
    const e = errorOf(() => importTflite(model, 'big.tflite'));
    expect(e.code).toBe('bad-model-file');
    expect(e.message).toContain('tensor "w" with shape [2,300] needs 2400 bytes, but its buffer 1 holds 24');
  });

  it('an operator reading a tensor nobody wrote is caught', () => {
    const model = buildModel(
      [
        { name: 'x', shape: [1, 4], type: 0 },
        { name: 'ghost', shape: [1, 4], type: 0 },
        { name: 'y', shape: [1, 4], type: 0 },
      ],
      [{ code: SOFTMAX, inputs: [1], outputs: [2], options: { type: 9, float32: [[0, 1]] } }],
      [0],
      [2],
    );
    expect(errorOf(() => importTflite(model, 'order.tflite')).message).toContain('reads tensor "ghost" before any operator writes it');
  });
});

/** TFLite's float reference resize, written out from its kernels (GetNearestNeighbor, ResizeBilinear with
 *  ComputeInterpolationValues) as an oracle independent of the IR's ONNX coordinate modes. */
function tfliteResize(x: Float32Array, [h, w, c]: number[], [oh, ow]: number[], bilinear: boolean, align: boolean, half: boolean) {
  const f = Math.fround;
  const scale = (i: number, o: number) => f(align && o > 1 ? (i - 1) / (o - 1) : i / o);
  const y = new Float32Array(oh * ow * c);
  const nearest = (v: number, i: number, o: number) => {
    const s = f(f(v + (half ? 0.5 : 0)) * scale(i, o));
    const k = Math.min(align ? Math.sign(s) * Math.round(Math.abs(s)) : Math.floor(s), i - 1);
    return half ? Math.max(0, k) : k;
  };
  const interp = (v: number, i: number, o: number) => {
    const s = half ? f(f(f(v + 0.5) * scale(i, o)) - 0.5) : f(v * scale(i, o));
    return { s, lo: Math.max(Math.floor(s), 0), hi: Math.min(Math.ceil(s), i - 1) };
  };
  const at = (r: number, q: number, k: number) => x[(r * w + q) * c + k];
  for (let r = 0; r < oh; r++)
    for (let q = 0; q < ow; q++)
      for (let k = 0; k < c; k++) {
        const o = (r * ow + q) * c + k;
        if (!bilinear) {
          y[o] = at(nearest(r, h, oh), nearest(q, w, ow), k);
          continue;
        }
        const a = interp(r, h, oh);
        const b = interp(q, w, ow);
        const dy = a.s - a.lo;
        const dx = b.s - b.lo;
        y[o] =
          at(a.lo, b.lo, k) * (1 - dy) * (1 - dx) +
          at(a.hi, b.lo, k) * dy * (1 - dx) +
          at(a.lo, b.hi, k) * (1 - dy) * dx +
          at(a.hi, b.hi, k) * dy * dx;
      }
  return y;
}

describe('TFLite resize', () => {
  for (const bilinear of [false, true])
    for (const [align, half] of [
      [false, false],
      [true, false],
      [false, true],
    ])
      it(`${bilinear ? 'RESIZE_BILINEAR' : 'RESIZE_NEAREST_NEIGHBOR'} align_corners=${align} half_pixel_centers=${half} matches TFLite's kernel`, () => {
        const [h, w, c, oh, ow] = [3, 4, 2, 7, 6];
        const model = buildModel(
          [
            { name: 'x', shape: [1, h, w, c], type: 0 },
            { name: 'size', shape: [2], type: 2, data: i32([oh, ow]) },
            { name: 'y', shape: [1, oh, ow, c], type: 0 },
          ],
          [
            {
              code: bilinear ? RESIZE_BILINEAR : RESIZE_NEAREST_NEIGHBOR,
              version: 3,
              inputs: [0, 1],
              outputs: [2],
              options: {
                type: bilinear ? 15 : 74,
                int8: [
                  [bilinear ? 2 : 0, align ? 1 : 0],
                  [bilinear ? 3 : 1, half ? 1 : 0],
                ],
              },
            },
          ],
          [0],
          [2],
        );
        const g = importTflite(model, 'resize.tflite');
        expect(g.nodes.map((n) => n.op)).toEqual(['Resize']);
        const x = Float32Array.from({ length: h * w * c }, (_, i) => Math.sin(i * 1.7) * 3);
        const got = runGraph(g, { x }).outputs.y as Float32Array;
        const want = tfliteResize(x, [h, w, c], [oh, ow], bilinear, align, half);
        want.forEach((v, i) => expect(got[i], `element ${i}`).toBeCloseTo(v, 5));
      });

  it('RESIZE_BILINEAR with both align_corners and half_pixel_centers is refused by name', () => {
    const model = buildModel(
      [
        { name: 'x', shape: [1, 2, 2, 1], type: 0 },
        { name: 'size', shape: [2], type: 2, data: i32([4, 4]) },
        { name: 'y', shape: [1, 4, 4, 1], type: 0 },
      ],
      [
        {
          code: RESIZE_BILINEAR,
          version: 3,
          inputs: [0, 1],
          outputs: [2],
          options: {
            type: 15,
            int8: [
              [2, 1],
              [3, 1],
            ],
          },
        },
      ],
      [0],
      [2],
    );
    expect(() => importTflite(model, 'resize.tflite')).toThrow(
      expect.objectContaining({
        diagnostic: expect.objectContaining({
          notes: [expect.stringMatching(/RESIZE_BILINEAR with both align_corners and half_pixel_centers/)],
        }),
      }),
    );
  });
});

describe('TFLite TRANSPOSE_CONV', () => {
  for (const [padding, out] of [
    [0, 6],
    [1, 7],
  ] as const)
    it(`${padding === 0 ? 'SAME' : 'VALID'} padding, stride 2, with bias: the IR scatters as TFLite's reference kernel`, () => {
      const [h, c, o, k, s] = [3, 2, 3, 3, 2];
      const w = Float32Array.from({ length: o * k * k * c }, (_, i) => Math.cos(i * 0.7) / 2);
      const bias = Float32Array.from({ length: o }, (_, i) => i / 10 - 0.1);
      const f32 = (a: Float32Array) => new Uint8Array(a.buffer);
      const model = buildModel(
        [
          { name: 'shape', shape: [4], type: 2, data: i32([1, out, out, o]) },
          { name: 'w', shape: [o, k, k, c], type: 0, data: f32(w) },
          { name: 'x', shape: [1, h, h, c], type: 0 },
          { name: 'b', shape: [o], type: 0, data: f32(bias) },
          { name: 'y', shape: [1, out, out, o], type: 0 },
        ],
        [
          {
            code: TRANSPOSE_CONV,
            version: 3,
            inputs: [0, 1, 2, 3],
            outputs: [4],
            options: {
              type: 49,
              int8: [[0, padding]],
              int32: [
                [1, s],
                [2, s],
              ],
            },
          },
        ],
        [2],
        [4],
      );
      const g = importTflite(model, 'tconv.tflite');
      expect(g.nodes.map((n) => n.op)).toEqual(['ConvTranspose']);
      const x = Float32Array.from({ length: h * h * c }, (_, i) => Math.sin(i) * 2);
      // TFLite's reference TransposeConv: scatter each input pixel at iy·s − pad + ky, then add the bias.
      const total = Math.max(((padding === 0 ? Math.ceil(out / s) : Math.floor((out - k + s) / s)) - 1) * s + k - out, 0);
      const pad = Math.floor(total / 2);
      const want = new Float64Array(out * out * o);
      for (let iy = 0; iy < h; iy++)
        for (let ix = 0; ix < h; ix++)
          for (let ky = 0; ky < k; ky++)
            for (let kx = 0; kx < k; kx++) {
              const oy = iy * s - pad + ky;
              const ox = ix * s - pad + kx;
              if (oy < 0 || ox < 0 || oy >= out || ox >= out) continue;
              for (let oc = 0; oc < o; oc++)
                for (let ic = 0; ic < c; ic++)
                  want[(oy * out + ox) * o + oc] += x[(iy * h + ix) * c + ic] * w[((oc * k + ky) * k + kx) * c + ic];
            }
      want.forEach((_, i) => (want[i] += bias[i % o]));
      const got = runGraph(g, { x }).outputs.y as Float32Array;
      want.forEach((v, i) => expect(got[i], `element ${i}`).toBeCloseTo(v, 5));
    });
});

describe('TFLite DEPTH_TO_SPACE, SPACE_TO_DEPTH, TILE', () => {
  it('DEPTH_TO_SPACE puts channel (i·b + j)·C′ + c at row h·b + i, column w·b + j; SPACE_TO_DEPTH undoes it', () => {
    const [h, w, b, c] = [2, 3, 2, 2];
    const model = buildModel(
      [
        { name: 'x', shape: [1, h, w, b * b * c], type: 0 },
        { name: 's', shape: [1, h * b, w * b, c], type: 0 },
        { name: 'y', shape: [1, h, w, b * b * c], type: 0 },
      ],
      [
        { code: DEPTH_TO_SPACE, inputs: [0], outputs: [1], options: { type: 94, int32: [[0, b]] } },
        { code: SPACE_TO_DEPTH, inputs: [1], outputs: [2], options: { type: 19, int32: [[0, b]] } },
      ],
      [0],
      [2],
    );
    const g = importTflite(model, 'blocks.tflite');
    const x = Float32Array.from({ length: h * w * b * b * c }, (_, i) => i);
    const r = runGraph(g, { x }, { collect: true });
    const space = r.values!.s as Float32Array;
    for (let y = 0; y < h * b; y++)
      for (let z = 0; z < w * b; z++)
        for (let k = 0; k < c; k++) {
          const src = ((Math.floor(y / b) * w + Math.floor(z / b)) * b * b + ((y % b) * b + (z % b)) * 1) * c + k;
          expect(space[(y * w * b + z) * c + k], `s[${y},${z},${k}]`).toBe(x[src]);
        }
    expect(Array.from(r.outputs.y)).toEqual(Array.from(x));
  });

  it('TILE with constant multiples repeats each axis', () => {
    const model = buildModel(
      [
        { name: 'x', shape: [2, 3], type: 0 },
        { name: 'm', shape: [2], type: 2, data: i32([3, 2]) },
        { name: 'y', shape: [6, 6], type: 0 },
      ],
      [{ code: TILE, inputs: [0, 1], outputs: [2] }],
      [0],
      [2],
    );
    const g = importTflite(model, 'tile.tflite');
    const y = runGraph(g, { x: Float32Array.from([1, 2, 3, 4, 5, 6]) }).outputs.y;
    expect(Array.from(y)).toEqual(Array.from({ length: 36 }, (_, i) => 1 + ((Math.floor(i / 6) % 2) * 3 + ((i % 6) % 3))));
  });
});
