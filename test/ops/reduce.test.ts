// ReduceMean / ReduceMax / ReduceSum end to end (and the float-only ReduceMin, ReduceProd, ReduceL1, ReduceL2,
// ReduceSumSquare, ReduceLogSumExp at the end): ONNX import (attribute and input axes, keepdims both ways, NCHW and
// rank-3 inputs) and the float reference against onnxruntime; the ONNX export run by onnxruntime; the int8 reference
// against onnxruntime's float result quantized; int8 quantization keeps them int8; the C kernels against the reference.
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { encodeModel, int64Tensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph, OpType, QuantParams } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { dequantizeArray, quantizeArray } from '../../src/reference/quant.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { createLog } from '../../src/compress/pass.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { q, randF32, randI8, rng } from '../codegen/graphs.ts';
import { checkAgainstReference } from '../firmware/kernel-check.ts';
import { runIr, runOrt } from '../import/onnx-fixtures.ts';

type ReduceOp = Extract<
  OpType,
  'ReduceMean' | 'ReduceMax' | 'ReduceSum' | 'ReduceMin' | 'ReduceProd' | 'ReduceL1' | 'ReduceL2' | 'ReduceSumSquare' | 'ReduceLogSumExp'
>;

/** A one-node ONNX reduction; axes as an attribute, or as a constant input when `axesInput` (opset 13 Sum, 18 others). */
function reduceOnnx(
  op: ReduceOp,
  dims: number[],
  outDims: number[],
  axes: number[] | undefined,
  keepdims: number,
  opset: number,
): Uint8Array {
  const axesInput = (op === 'ReduceSum' && opset >= 13) || opset >= 18;
  const attrs: Record<string, number | number[]> = { keepdims };
  if (axes && !axesInput) attrs.axes = axes;
  const inits = axes && axesInput ? [int64Tensor('axes', [axes.length], axes)] : [];
  return encodeModel(
    makeModel({
      nodes: [node(op, inits.length ? ['x', 'axes'] : ['x'], ['y'], attrs)],
      initializers: inits,
      inputs: [valueInfo('x', dims)],
      outputs: [valueInfo('y', outDims)],
      opset,
    }),
  );
}

function reduceGraph(op: ReduceOp, shape: number[], axes: number[], keepdims: boolean, qin?: QuantParams, qout?: QuantParams): Graph {
  const b = new GraphBuilder(`${op} [${shape}] axes [${axes}] ${qin ? 's8' : 'f32'}`);
  const x = qin ? b.input('x', shape, 'i8', qin) : b.input('x', shape);
  b.output(b.node(op, [x], { axes, keepdims }, qout ? { name: 'y', dtype: 'i8', quant: qout } : 'y'));
  return b.build();
}

const CASES: { op: ReduceOp; dims: number[]; out: number[]; axes?: number[]; keepdims: number; opset: number }[] = [
  { op: 'ReduceMean', dims: [1, 3, 4, 5], out: [1, 3, 1, 1], axes: [2, 3], keepdims: 1, opset: 13 },
  { op: 'ReduceMean', dims: [1, 3, 4, 5], out: [1, 4, 5], axes: [1], keepdims: 0, opset: 18 },
  { op: 'ReduceMean', dims: [1, 8, 20], out: [1, 8, 1], axes: [2], keepdims: 1, opset: 13 },
  { op: 'ReduceMax', dims: [1, 3, 4, 5], out: [1, 3, 5], axes: [2], keepdims: 0, opset: 13 },
  { op: 'ReduceMax', dims: [2, 3, 4], out: [1, 1, 1], keepdims: 1, opset: 13 },
  { op: 'ReduceSum', dims: [1, 3, 4, 5], out: [1, 1, 4, 1], axes: [-3, 3], keepdims: 1, opset: 13 },
  { op: 'ReduceSum', dims: [2, 5, 6], out: [2, 6], axes: [1], keepdims: 0, opset: 11 },
];

describe('ReduceMean / ReduceMax / ReduceSum', () => {
  for (const c of CASES) {
    it(`${c.op} over [${c.dims}] axes ${c.axes ? `[${c.axes}]` : '(all)'} keepdims ${c.keepdims} (opset ${c.opset}) imports and matches onnxruntime`, async () => {
      const bytes = reduceOnnx(c.op, c.dims, c.out, c.axes, c.keepdims, c.opset);
      const g = importOnnx(bytes, 'reduce.onnx');
      expect(g.nodes.map((n) => n.op)).toContain(c.op);
      const x = {
        dims: c.dims,
        data: randF32(
          rng(7),
          c.dims.reduce((a, d) => a * d, 1),
          -3,
          3,
        ),
      };
      const [ort] = await runOrt(bytes, { x });
      const [ours] = runIr(g, [x]);
      expect(ours.length).toBe(ort.length);
      expect(compare(ours, ort)).toBeUndefined();
    });
  }

  it('exports to ONNX so onnxruntime agrees, and imports back', async () => {
    for (const op of ['ReduceMean', 'ReduceMax', 'ReduceSum'] as const) {
      const g = { ...reduceGraph(op, [1, 4, 5, 3], [1, 3], false), metadata: { inputLayout: 'NHWC', outputLayout: 'NHWC' } } as Graph;
      const bytes = exportOnnx(g);
      const x = { dims: [1, 4, 5, 3], data: randF32(rng(4), 60, -2, 2) };
      const ours = runIr(g, [x])[0];
      const [ort] = await runOrt(bytes, { x });
      expect(compare(ort, ours), op).toBeUndefined();
    }
  });

  it("int8 Mean and Sum are onnxruntime's float result of the dequantized input, quantized, within one step", async () => {
    for (const [op, qout] of [
      ['ReduceMean', q(0.02, 5)],
      ['ReduceSum', q(0.2, -3)],
    ] as const) {
      const qin = q(0.03, -7);
      const xq = randI8(rng(11), 3 * 4 * 5);
      const y = runGraph(reduceGraph(op, [3, 4, 5], [0, 2], false, qin, qout), { x: xq }).outputs.y as Int8Array;
      const bytes = reduceOnnx(op, [3, 4, 5], [4], [0, 2], 0, 11);
      const [ort] = await runOrt(bytes, { x: { dims: [3, 4, 5], data: dequantizeArray(xq, qin) } });
      const want = quantizeArray(ort, qout);
      expect(Math.max(...Array.from(y, (v, i) => Math.abs(v - want[i]))), op).toBeLessThanOrEqual(1);
    }
  });

  it('int8 Max is the largest int8 value, in the input quantization', () => {
    const qin = q(0.05, 2);
    const xq = randI8(rng(12), 2 * 6);
    const y = runGraph(reduceGraph('ReduceMax', [2, 6], [1], true, qin, qin), { x: xq }).outputs.y as Int8Array;
    expect(Array.from(y)).toEqual([Math.max(...xq.slice(0, 6)), Math.max(...xq.slice(6))]);
  });

  it('int8 quantization keeps every reduction int8', async () => {
    for (const op of ['ReduceMean', 'ReduceMax', 'ReduceSum'] as const) {
      const g = reduceGraph(op, [1, 6, 8], [2], true);
      const r = rng(5);
      const samples = Array.from({ length: 16 }, () => ({ x: randF32(r, 48, -2, 2) }));
      const { ir } = await runPipeline(g, [{ step: 'quantize-int8', samples: 16 }], { data: { calibration: samples } });
      expect(
        ir.nodes.map((n) => n.op),
        op,
      ).toEqual([op]);
      expect(ir.tensors.y.dtype).toBe('i8');
    }
  });

  it('C kernels: float within tolerance, int8 byte for byte; a spatial mean runs the global-average-pool kernel', () => {
    checkAgainstReference(reduceGraph('ReduceSum', [2, 3, 4, 5], [0, 2], true), { expectKernels: { reference: ['tfg_reduce_f32'] } });
    checkAgainstReference(reduceGraph('ReduceMax', [1, 6, 7], [1], false), { expectKernels: { reference: ['tfg_reduce_f32'] } });
    checkAgainstReference(reduceGraph('ReduceMean', [1, 4, 5, 3], [0, 1, 2, 3], false), {
      expectKernels: { reference: ['tfg_reduce_f32'] },
    });
    const [qin, qout] = [q(0.04, -3), q(0.03, 9)];
    checkAgainstReference(reduceGraph('ReduceMean', [2, 5, 6], [1], false, qin, qout), { expectKernels: { reference: ['tfg_reduce_s8'] } });
    checkAgainstReference(reduceGraph('ReduceSum', [1, 4, 6], [2], true, qin, q(0.3, -20)), {
      expectKernels: { reference: ['tfg_reduce_s8'] },
    });
    checkAgainstReference(reduceGraph('ReduceMax', [3, 4, 2], [0, 2], true, qin, qin), { expectKernels: { reference: ['tfg_reduce_s8'] } });
    checkAgainstReference(reduceGraph('ReduceMean', [1, 4, 5, 3], [1, 2], true, qin, qout), {
      expectKernels: { reference: ['tfg_global_avgpool_s8'] },
    });
  });
});

/** Float-only reductions, each with the input range it is tested on (Prod near 1, so 60 factors stay finite). */
const FLOAT_ONLY: { op: ReduceOp; lo: number; hi: number }[] = [
  { op: 'ReduceMin', lo: -3, hi: 3 },
  { op: 'ReduceProd', lo: 0.6, hi: 1.5 },
  { op: 'ReduceL1', lo: -3, hi: 3 },
  { op: 'ReduceL2', lo: -3, hi: 3 },
  { op: 'ReduceSumSquare', lo: -3, hi: 3 },
  { op: 'ReduceLogSumExp', lo: -3, hi: 30 },
];

describe.each(FLOAT_ONLY)('$op (float only)', ({ op, lo, hi }) => {
  const cases = [
    { dims: [1, 3, 4, 5], out: [1, 4, 5], axes: [1], keepdims: 0, opset: 13 },
    { dims: [2, 5, 6], out: [2, 5, 1], axes: [-1], keepdims: 1, opset: 18 },
    { dims: [2, 3, 4], out: [], axes: undefined, keepdims: 0, opset: 13 },
  ];
  it.each(cases)('over [$dims] axes $axes keepdims $keepdims (opset $opset) imports and matches onnxruntime', async (c) => {
    const bytes = reduceOnnx(op, c.dims, c.out, c.axes, c.keepdims, c.opset);
    const g = importOnnx(bytes, 'reduce.onnx');
    expect(g.nodes.map((n) => n.op)).toContain(op);
    const count = c.dims.reduce((a, d) => a * d, 1);
    const x = { dims: c.dims, data: randF32(rng(7), count, lo, hi) };
    const [ort] = await runOrt(bytes, { x });
    const [ours] = runIr(g, [x]);
    expect(ours.length).toBe(ort.length);
    expect(compare(ours, ort)).toBeUndefined();
  });

  it('exports to ONNX so onnxruntime agrees', async () => {
    const g = { ...reduceGraph(op, [1, 4, 5, 3], [1, 3], false), metadata: { inputLayout: 'NHWC', outputLayout: 'NHWC' } } as Graph;
    const x = { dims: [1, 4, 5, 3], data: randF32(rng(4), 60, lo, hi) };
    const [ort] = await runOrt(exportOnnx(g), { x });
    expect(compare(ort, runIr(g, [x])[0])).toBeUndefined();
  });

  it('int8 quantization keeps it in float between Dequantize and Quantize, with a float-fallback warning', async () => {
    const r = rng(5);
    const samples = Array.from({ length: 16 }, () => ({ x: randF32(r, 48, lo, hi) }));
    const log = createLog();
    const { ir } = await runPipeline(reduceGraph(op, [1, 6, 8], [2], true), [{ step: 'quantize-int8', samples: 16 }], {
      data: { calibration: samples },
      log,
    });
    expect(ir.nodes.map((n) => n.op)).toEqual(['Dequantize', op, 'Quantize']);
    expect(log.diagnostics.map((d) => d.code)).toEqual(['float-fallback']);
  });

  it('C kernel within float tolerance of the reference', () => {
    const extra = [randF32(rng(8), 60, lo, hi)];
    checkAgainstReference(reduceGraph(op, [2, 3, 10], [0, 2], true), {
      expectKernels: { reference: ['tfg_reduce_math_f32'] },
      samples: 0,
      extra,
    });
    checkAgainstReference(reduceGraph(op, [1, 4, 5, 3], [0, 1, 2, 3], false), {
      expectKernels: { reference: ['tfg_reduce_math_f32'] },
      samples: 0,
      extra,
    });
  });
});
