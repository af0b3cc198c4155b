// PRelu end to end: ONNX import (per-channel slope on NCHW and on [N,C,L], one shared slope) and the float reference
// against onnxruntime; the ONNX export run by onnxruntime; int8 (TFLM PRELU arithmetic) against onnxruntime's float
// result quantized, and int8 quantization keeping it int8; the C kernels against the reference on the host.
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { encodeModel, floatTensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph, QuantParams } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { dequantizeArray, quantizeArray } from '../../src/reference/quant.ts';
import { createLog } from '../../src/compress/pass.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { validateGraph } from '../../src/ir/validate.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { q, randF32, randI8, rng } from '../codegen/graphs.ts';
import { checkAgainstReference } from '../firmware/kernel-check.ts';
import { runIr, runOrt } from '../import/onnx-fixtures.ts';

function preluOnnx(dims: number[], slopeDims: number[], opset = 13): Uint8Array {
  const n = slopeDims.reduce((a, d) => a * d, 1);
  return encodeModel(
    makeModel({
      nodes: [node('PRelu', ['x', 'slope'], ['y'])],
      initializers: [floatTensor('slope', slopeDims, randF32(rng(9), n, 0, 0.5))],
      inputs: [valueInfo('x', dims)],
      outputs: [valueInfo('y', dims)],
      opset,
    }),
  );
}

function preluGraph(shape: number[], slopeShape: number[]): Graph {
  const b = new GraphBuilder(`PRelu [${shape}] slope [${slopeShape}]`);
  const x = b.input('x', shape);
  const n = slopeShape.reduce((a, d) => a * d, 1);
  b.output(b.node('PRelu', [x, b.constant('slope', randF32(rng(8), n, 0, 0.5), slopeShape)], {}, 'y'));
  return b.build();
}

function int8PreluGraph(
  shape: number[],
  slopeShape: number[],
  slope: Float32Array,
  qin: QuantParams,
  qa: QuantParams,
  qout: QuantParams,
): Graph {
  const b = new GraphBuilder(`int8 PRelu [${shape}] slope [${slopeShape}]`);
  const x = b.input('x', shape, 'i8', qin);
  b.output(
    b.node('PRelu', [x, b.constant('slope', quantizeArray(slope, qa), slopeShape, qa, 'i8')], {}, { name: 'y', dtype: 'i8', quant: qout }),
  );
  return b.build();
}

describe('PRelu', () => {
  for (const [dims, slope] of [
    [
      [1, 4, 3, 5],
      [4, 1, 1],
    ],
    [
      [1, 6, 10],
      [6, 1],
    ],
    [[2, 3, 4], [1]],
    [[3, 4, 5], [5]],
  ] as const) {
    it(`input [${dims}] slope [${slope}] imports and matches onnxruntime`, async () => {
      const bytes = preluOnnx([...dims], [...slope]);
      const g = importOnnx(bytes, 'prelu.onnx');
      expect(g.nodes.map((n) => n.op)).toEqual(['PRelu']);
      const x = {
        dims: [...dims],
        data: randF32(
          rng(3),
          dims.reduce((a: number, d: number) => a * d, 1),
          -3,
          3,
        ),
      };
      const [ort] = await runOrt(bytes, { x });
      expect(compare(runIr(g, [x])[0], ort)).toBeUndefined();
    });
  }

  it('exports to ONNX so onnxruntime agrees', async () => {
    const g = { ...preluGraph([1, 3, 4, 6], [6]), metadata: { inputLayout: 'NHWC', outputLayout: 'NHWC' } } as Graph;
    const x = { dims: [1, 3, 4, 6], data: randF32(rng(4), 72, -2, 2) };
    const [ort] = await runOrt(exportOnnx(g), { x });
    expect(compare(ort, runIr(g, [x])[0])).toBeUndefined();
  });

  it('int8 quantization keeps it int8, the slope an int8 constant with one scale', async () => {
    const g = preluGraph([1, 16], [16]);
    const r = rng(5);
    const samples = Array.from({ length: 16 }, () => ({ x: randF32(r, 16, -2, 2) }));
    const log = createLog();
    const { ir } = await runPipeline(g, [{ step: 'quantize-int8', samples: 16 }], { data: { calibration: samples }, log });
    expect(ir.nodes.map((n) => n.op)).toEqual(['PRelu']);
    expect([ir.tensors.y.dtype, ir.tensors.slope.dtype, ir.tensors.slope.quant?.scale.length]).toEqual(['i8', 'i8', 1]);
    expect(log.diagnostics.map((d) => d.code)).toEqual([]);
  });

  it("int8 is onnxruntime's float result of the dequantized input and slope, quantized, within one step", async () => {
    const [qin, qa, qout] = [q(0.03, 12), q(0.004, -20), q(0.02, 40)];
    const xq = randI8(rng(11), 4 * 6);
    const slopeF = randF32(rng(12), 6, -0.2, 0.6);
    const g = int8PreluGraph([4, 6], [6], slopeF, qin, qa, qout);
    const y = runGraph(g, { x: xq }).outputs.y as Int8Array;
    const slopeQ = dequantizeArray(g.tensors.slope.data as Int8Array, qa);
    const bytes = encodeModel(
      makeModel({
        nodes: [node('PRelu', ['x', 'slope'], ['y'])],
        initializers: [floatTensor('slope', [6], slopeQ)],
        inputs: [valueInfo('x', [4, 6])],
        outputs: [valueInfo('y', [4, 6])],
        opset: 13,
      }),
    );
    const [ort] = await runOrt(bytes, { x: { dims: [4, 6], data: dequantizeArray(xq, qin) } });
    const want = quantizeArray(ort, qout);
    expect(Math.max(...Array.from(y, (v, i) => Math.abs(v - want[i])))).toBeLessThanOrEqual(1);
  });

  it('C kernel matches the reference (per channel last, per channel in the middle, shared)', () => {
    checkAgainstReference(preluGraph([1, 3, 4, 6], [6]), { expectKernels: { reference: ['tfg_prelu_f32'] } });
    checkAgainstReference(preluGraph([1, 6, 10], [6, 1]), { expectKernels: { reference: ['tfg_prelu_f32'] } });
    checkAgainstReference(preluGraph([2, 5], [1]), { expectKernels: { reference: ['tfg_prelu_f32'] } });
    const [qin, qa, qout] = [q(0.03, 12), q(0.004, -20), q(0.02, 40)];
    for (const [shape, slopeShape] of [
      [[1, 3, 4, 6], [6]],
      [
        [1, 6, 10],
        [6, 1],
      ],
      [[2, 5], [1]],
    ]) {
      const slope = randF32(
        rng(13),
        slopeShape.reduce((a, d) => a * d, 1),
        -0.3,
        0.8,
      );
      checkAgainstReference(int8PreluGraph(shape, slopeShape, slope, qin, qa, qout), { expectKernels: { reference: ['tfg_prelu_s8'] } });
    }
  });

  it('refuses a slope that varies along axes that are not adjacent', () => {
    const b = new GraphBuilder('bad');
    const x = b.input('x', [2, 3, 4]);
    b.output(b.node('PRelu', [x, b.constant('slope', new Float32Array(8), [2, 1, 4])], {}, 'y'));
    expect(() => validateGraph(b.build())).toThrow(/not adjacent/);
  });
});
