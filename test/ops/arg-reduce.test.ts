// ArgMax / ArgMin end to end: ONNX import (NCHW keepdims both ways, negative axes, select_last_index on ties) and the
// float reference against onnxruntime; the ONNX export run by onnxruntime; the int8 reference against the float
// reference on the dequantized input; int8 quantization keeping the op on its int8 input with an int32 output; the C
// kernels against the reference; and the example CNN with an ArgMax appended, deployed on mps2-an386 through the CLI
// (the index is the class: the report's accuracy is the CNN's own).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { onnx } from '../../src/import/onnx-proto-read.ts';
import { encodeModel, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph, QuantParams } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { predictedClass } from '../../src/reference/model-input.ts';
import { dequantizeArray, quantizeArray } from '../../src/reference/quant.ts';
import { mnistDigits, writeNpyDataset } from '../data/dataset-fixtures.ts';
import { q, randF32, randI8, rng } from '../codegen/graphs.ts';
import { checkAgainstReference } from '../firmware/kernel-check.ts';
import { runIr } from '../import/onnx-fixtures.ts';
import { buildModel, f32, i32, i8 } from '../import/tflite-builder.ts';
import { importTflite } from '../../src/import/tflite.ts';
import { tf } from '../../src/train/tf.ts';
import { errorOf } from '../errors.ts';

type ArgOp = 'ArgMax' | 'ArgMin';

function argOnnx(op: ArgOp, dims: number[], outDims: number[], attrs: Record<string, number>): Uint8Array {
  return encodeModel(
    makeModel({
      nodes: [node(op, ['x'], ['y'], attrs)],
      initializers: [],
      inputs: [valueInfo('x', dims)],
      outputs: [valueInfo('y', outDims, onnx.TensorProto.DataType.INT64)],
      opset: 13,
    }),
  );
}

/** onnxruntime's int64 indices as numbers. */
async function ortIndices(bytes: Uint8Array, x: { dims: number[]; data: Float32Array }): Promise<number[]> {
  const session = await ort.InferenceSession.create(bytes);
  const r = await session.run({ x: new ort.Tensor('float32', x.data, x.dims) });
  return Array.from(r[session.outputNames[0]].data as ArrayLike<number | bigint>, Number);
}

function argGraph(op: ArgOp, shape: number[], axis: number, keepdims: boolean, selectLastIndex: boolean, qin?: QuantParams): Graph {
  const b = new GraphBuilder(`${op} [${shape}] axis ${axis} ${qin ? 's8' : 'f32'}`);
  const x = qin ? b.input('x', shape, 'i8', qin) : b.input('x', shape);
  b.output(b.node(op, [x], { axis, keepdims, selectLastIndex }, 'y'));
  return b.build();
}

/** Whole numbers in [0, 3]: many ties, so first and last index differ. */
const tied = (n: number, seed: number) => Float32Array.from(randF32(rng(seed), n, 0, 4), Math.floor);

const CASES: { op: ArgOp; dims: number[]; out: number[]; attrs: Record<string, number>; ties?: boolean }[] = [
  { op: 'ArgMax', dims: [1, 5, 3, 4], out: [1, 1, 3, 4], attrs: { axis: 1, keepdims: 1 } },
  { op: 'ArgMax', dims: [2, 5, 3, 4], out: [2, 3, 4], attrs: { axis: 1, keepdims: 0 } },
  { op: 'ArgMin', dims: [1, 5, 3, 4], out: [1, 5, 3, 1], attrs: { axis: -1, keepdims: 1 } },
  { op: 'ArgMin', dims: [2, 3, 6], out: [3, 6], attrs: { axis: 0, keepdims: 0 } },
  { op: 'ArgMax', dims: [3, 4, 5], out: [3, 1, 5], attrs: { axis: -2, keepdims: 1, select_last_index: 1 }, ties: true },
  { op: 'ArgMin', dims: [1, 3, 4, 4], out: [1, 3, 4], attrs: { axis: 2, keepdims: 0, select_last_index: 1 }, ties: true },
  { op: 'ArgMax', dims: [1, 10], out: [1], attrs: { axis: 1, keepdims: 0 }, ties: true },
];

describe('ArgMax / ArgMin', () => {
  for (const c of CASES) {
    it(`${c.op} over [${c.dims}] ${JSON.stringify(c.attrs)}${c.ties ? ' with ties' : ''} imports and matches onnxruntime`, async () => {
      const bytes = argOnnx(c.op, c.dims, c.out, c.attrs);
      const g = importOnnx(bytes, 'arg.onnx');
      expect(g.nodes.map((n) => n.op)).toContain(c.op);
      expect(g.tensors[g.outputs[0]].dtype).toBe('i32');
      const count = c.dims.reduce((a, d) => a * d, 1);
      const x = { dims: c.dims, data: c.ties ? tied(count, 3) : randF32(rng(7), count, -3, 3) };
      const want = await ortIndices(bytes, x);
      expect(Array.from(runIr(g, [x])[0])).toEqual(want);
    });
  }

  it('exports to ONNX (ArgMax, then a Cast to int32) so onnxruntime agrees', async () => {
    for (const [op, selectLast] of [
      ['ArgMax', false],
      ['ArgMin', true],
    ] as const) {
      const g = { ...argGraph(op, [2, 4, 5], 1, false, selectLast), metadata: { inputLayout: 'NHWC', outputLayout: 'NHWC' } } as Graph;
      const x = { dims: [2, 4, 5], data: tied(40, 9) };
      const session = await ort.InferenceSession.create(exportOnnx(g));
      const r = await session.run({ x: new ort.Tensor('float32', x.data, x.dims) });
      const got = r[session.outputNames[0]];
      expect(got.type, op).toBe('int32');
      expect(Array.from(got.data as Int32Array), op).toEqual(Array.from(runIr(g, [x])[0]));
    }
  });

  it('int8: the index of the extreme code is the float index of the dequantized values, ties included', () => {
    const qin = q(0.05, -4);
    for (const [op, selectLast] of [
      ['ArgMax', false],
      ['ArgMax', true],
      ['ArgMin', false],
      ['ArgMin', true],
    ] as const) {
      const xq = randI8(rng(21), 6 * 7, -6, 6); // a narrow range: many ties
      const y = runGraph(argGraph(op, [6, 7], 1, false, selectLast, qin), { x: xq }).outputs.y;
      const f = runGraph(argGraph(op, [6, 7], 1, false, selectLast), { x: dequantizeArray(xq, qin) }).outputs.y;
      expect(y).toBeInstanceOf(Int32Array);
      expect(Array.from(y), `${op} selectLast ${selectLast}`).toEqual(Array.from(f));
    }
  });

  it('int8 quantization runs ArgMax on the int8 scores and keeps its int32 output, the class top-1 counts', async () => {
    const b = new GraphBuilder('dense-argmax');
    const x = b.input('x', [1, 12]);
    const w = b.constant('w', randF32(rng(2), 60, -0.5, 0.5), [5, 12]);
    const s = b.node('Dense', [x, w], { activation: 'none' }, 's');
    b.output(b.node('ArgMax', [s], { axis: 1, keepdims: false, selectLastIndex: false }, 'y'));
    const g = b.build();
    const r = rng(5);
    const samples = Array.from({ length: 16 }, () => ({ x: randF32(r, 12, -2, 2) }));
    const { ir } = await runPipeline(g, [{ step: 'quantize-int8', samples: 16 }], { data: { calibration: samples } });
    expect(ir.nodes.map((n) => n.op)).toEqual(['Dense', 'ArgMax']);
    expect([ir.tensors.s.dtype, ir.tensors.y.dtype, ir.tensors.y.quant]).toEqual(['i8', 'i32', undefined]);
    // The float model's class: its index output, and the largest of its scores.
    const run = runGraph(g, { x: samples[0].x }, { collect: true });
    const index = run.outputs.y;
    const floatScores = run.values!.s;
    expect(predictedClass(g, index)).toBe(predictedClass({ ...g, outputs: ['s'] }, floatScores));
    const int8Run = runGraph(ir, { x: quantizeArray(samples[0].x, ir.tensors.x.quant!) }, { collect: true });
    expect(predictedClass(ir, int8Run.outputs.y)).toBe(predictedClass({ ...ir, outputs: ['s'] }, int8Run.values!.s));
  });

  it('C kernels: float and int8 indices identical to the reference', () => {
    checkAgainstReference(argGraph('ArgMax', [2, 3, 4, 5], 3, true, false), { expectKernels: { reference: ['tfg_arg_reduce_f32'] } });
    checkAgainstReference(argGraph('ArgMin', [2, 6, 5], 1, false, true), { expectKernels: { reference: ['tfg_arg_reduce_f32'] } });
    const qin = q(0.03, 5);
    checkAgainstReference(argGraph('ArgMax', [1, 4, 5, 3], 1, false, true, qin), { expectKernels: { reference: ['tfg_arg_reduce_s8'] } });
    checkAgainstReference(argGraph('ArgMin', [1, 10], 1, true, false, qin), { expectKernels: { reference: ['tfg_arg_reduce_s8'] } });
  });

  it('refuses an index output with more than one value when top-1 is counted', () => {
    const g = argGraph('ArgMax', [3, 4], 1, false, false);
    expect(() => predictedClass(g, new Int32Array([1, 2, 3]))).toThrow(/holds 3 values per sample/);
  });
});

const ARG_MAX = 56,
  ARG_MIN = 79;

/** One ARG_MAX / ARG_MIN operator: x [2, 3, 5] (float, or int8 with `quant`), the axis constant, an index output. */
function argTflite(code: number, axis: number, axisType: 2 | 4, outType: 2 | 4, quant?: { scale: number; zeroPoint: number }): Uint8Array {
  const outShape = [2, 3, 5].filter((_, i) => i !== (axis + 3) % 3);
  const axisData = axisType === 2 ? i32([axis]) : new Uint8Array(BigInt64Array.from([BigInt(axis)]).buffer);
  return buildModel(
    [
      quant
        ? { name: 'x', shape: [2, 3, 5], type: 9, scale: [quant.scale], zeroPoint: [quant.zeroPoint] }
        : { name: 'x', shape: [2, 3, 5], type: 0 },
      { name: 'axis', shape: [1], type: axisType, data: axisData },
      { name: 'y', shape: outShape, type: outType },
    ],
    [{ code, version: quant ? 2 : 1, inputs: [0, 1], outputs: [2], options: { type: code === ARG_MAX ? 40 : 57, int8: [[0, outType]] } }],
    [0],
    [2],
  );
}

describe('TFLite ARG_MAX / ARG_MIN', () => {
  it('float: the indices TensorFlow computes, with INT32 or INT64 axis and output', () => {
    const x = randF32(rng(31), 30, -3, 3);
    for (const [code, axis, axisType, outType] of [
      [ARG_MAX, -1, 2, 4],
      [ARG_MIN, 1, 4, 2],
      [ARG_MAX, 0, 2, 2],
    ] as const) {
      const g = importTflite(argTflite(code, axis, axisType, outType), 'arg.tflite');
      expect(g.nodes.map((n) => n.op)).toEqual([code === ARG_MAX ? 'ArgMax' : 'ArgMin']);
      expect(g.tensors[g.outputs[0]].dtype).toBe('i32');
      const t = tf.tensor(x, [2, 3, 5]);
      const want = (code === ARG_MAX ? tf.argMax(t, axis) : tf.argMin(t, axis)).dataSync();
      expect(Array.from(runGraph(g, { x }).outputs[g.outputs[0]]), `${code} axis ${axis}`).toEqual(Array.from(want));
    }
  });

  it('int8: the index of the largest dequantized value, and the C kernel agrees', () => {
    const quant = { scale: 0.1, zeroPoint: 3 };
    const g = importTflite(argTflite(ARG_MAX, 2, 2, 4, quant), 'arg-int8.tflite');
    const xq = Int8Array.from(new Int8Array(i8(30, (k) => ((k * 37) % 61) - 30).buffer));
    const y = runGraph(g, { x: xq }).outputs[g.outputs[0]];
    const real = Array.from(xq, (v) => quant.scale * (v - quant.zeroPoint));
    const want = [0, 1, 2, 3, 4, 5].map((row) => {
      const r = real.slice(row * 5, row * 5 + 5);
      return r.indexOf(Math.max(...r));
    });
    expect(Array.from(y)).toEqual(want);
    checkAgainstReference(g, { expectKernels: { reference: ['tfg_arg_reduce_s8'] } });
  });

  it('refuses a float index output by name', () => {
    const bad = buildModel(
      [
        { name: 'x', shape: [2, 5], type: 0 },
        { name: 'axis', shape: [1], type: 0, data: f32([1]) },
        { name: 'y', shape: [2], type: 0 },
      ],
      [{ code: ARG_MAX, inputs: [0, 1], outputs: [2] }],
      [0],
      [2],
    );
    const e = errorOf(() => importTflite(bad, 'bad.tflite'));
    expect(e.code).toBe('unsupported-op');
    expect((e.diagnostic.notes ?? []).join('\n')).toContain('index output "y" has type FLOAT32, not INT32 or INT64');
  });
});

describe('a model ending in ArgMax on mps2-an386', () => {
  it('deploys int8 and reports the accuracy of the class index (the same as the CNN without it)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfg-argmax-'));
    try {
      const m = onnx.ModelProto.decode(readFileSync('examples/mnist-cnn/model.onnx'));
      const g = m.graph!;
      const scores = g.output![0].name!;
      g.node!.push(node('ArgMax', [scores], ['class'], { axis: 1, keepdims: 0 }, 'class'));
      g.output = [valueInfo('class', [1], onnx.TensorProto.DataType.INT64)];
      const model = join(dir, 'cnn-argmax.onnx');
      writeFileSync(model, onnx.ModelProto.encode(m).finish());
      writeNpyDataset(join(dir, 'digits'), mnistDigits('test', 30));
      const deploy = (file: string, out: string) =>
        spawnSync(
          'node',
          ['bin/tinyforge.js', 'deploy', file, '--board', 'mps2-an386', '--dataset', join(dir, 'digits'), '--samples', '30', '-o', out],
          { encoding: 'utf8', timeout: 600_000 },
        );
      const withArgMax = deploy(model, join(dir, 'argmax'));
      expect(withArgMax.stderr).not.toContain('error[');
      expect(withArgMax.status).toBe(0);
      const plain = deploy('examples/mnist-cnn/model.onnx', join(dir, 'plain'));
      expect(plain.status).toBe(0);
      const rep = JSON.parse(readFileSync(join(dir, 'argmax', 'report.json'), 'utf8'));
      const base = JSON.parse(readFileSync(join(dir, 'plain', 'report.json'), 'utf8'));
      expect(rep.accuracy).toMatchObject({ samples: 30, agreement: 1, agreement_kind: 'identical-bytes' });
      expect(rep.accuracy.device_top1).toBeGreaterThanOrEqual(0.85);
      expect(rep.accuracy.device_top1).toBe(base.accuracy.device_top1);
      expect(rep.accuracy.reference_top1).toBe(base.accuracy.reference_top1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
