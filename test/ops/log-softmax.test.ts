// LogSoftmax: ONNX import (opset 13 any axis, opset 11's flattening) and the float reference against onnxruntime; the
// ONNX export run by onnxruntime; int8 quantization keeps it in float with its warning; the C kernel against the
// reference.
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { encodeModel, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { createLog } from '../../src/compress/pass.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { randF32, rng } from '../codegen/graphs.ts';
import { checkAgainstReference } from '../firmware/kernel-check.ts';
import { runIr, runOrt } from '../import/onnx-fixtures.ts';

function graphOf(shape: number[], axis: number): Graph {
  const b = new GraphBuilder(`LogSoftmax [${shape}] axis ${axis}`);
  b.output(b.node('LogSoftmax', [b.input('x', shape)], { axis }, 'y'));
  return b.build();
}

describe('LogSoftmax', () => {
  it.each([
    { dims: [1, 3, 4, 5], axis: 1, opset: 13 },
    { dims: [2, 10], axis: -1, opset: 13 },
    { dims: [2, 3, 4], axis: 1, opset: 11 },
  ])('over [$dims] axis $axis (opset $opset) imports and matches onnxruntime', async ({ dims, axis, opset }) => {
    const bytes = encodeModel(
      makeModel({
        nodes: [node('LogSoftmax', ['x'], ['y'], { axis })],
        inputs: [valueInfo('x', dims)],
        outputs: [valueInfo('y', dims)],
        opset,
      }),
    );
    const g = importOnnx(bytes, 'log-softmax.onnx');
    expect(g.nodes.map((n) => n.op)).toContain('LogSoftmax');
    const x = {
      dims,
      data: randF32(
        rng(3),
        dims.reduce((a, d) => a * d, 1),
        -20,
        20,
      ),
    };
    const [ort] = await runOrt(bytes, { x });
    expect(compare(runIr(g, [x])[0], ort)).toBeUndefined();
  });

  it('exports to ONNX so onnxruntime agrees', async () => {
    const g = { ...graphOf([2, 3, 7], 1), metadata: { inputLayout: 'NHWC', outputLayout: 'NHWC' } } as Graph;
    const x = { dims: [2, 3, 7], data: randF32(rng(4), 42, -5, 5) };
    const [ort] = await runOrt(exportOnnx(g), { x });
    expect(compare(ort, runIr(g, [x])[0])).toBeUndefined();
  });

  it('int8 quantization keeps it in float between Dequantize and Quantize, with a float-fallback warning', async () => {
    const r = rng(5);
    const samples = Array.from({ length: 16 }, () => ({ x: randF32(r, 20, -3, 3) }));
    const log = createLog();
    const { ir } = await runPipeline(graphOf([2, 10], -1), [{ step: 'quantize-int8', samples: 16 }], {
      data: { calibration: samples },
      log,
    });
    expect(ir.nodes.map((n) => n.op)).toEqual(['Dequantize', 'LogSoftmax', 'Quantize']);
    expect(log.diagnostics.map((d) => d.code)).toEqual(['float-fallback']);
  });

  it('C kernel within float tolerance of the reference (last and middle axis)', () => {
    checkAgainstReference(graphOf([2, 10], -1), { expectKernels: { reference: ['tfg_log_softmax_f32'] } });
    checkAgainstReference(graphOf([2, 5, 3], 1), { expectKernels: { reference: ['tfg_log_softmax_f32'] } });
  });
});
