// InstanceNormalization: ONNX import of NCHW and [N,C,L] inputs and the float reference against onnxruntime; the ONNX
// export run by onnxruntime; int8 quantization keeping it in float with a float-fallback warning; the C kernel against
// the reference on the host.
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { encodeModel, floatTensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { product } from '../../src/ir/graph.ts';
import { simplify } from '../../src/ir/optimize.ts';
import { validateGraph } from '../../src/ir/validate.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { createLog } from '../../src/compress/pass.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { randF32, rng } from '../codegen/graphs.ts';
import { checkAgainstReference } from '../firmware/kernel-check.ts';
import { errorOf } from '../errors.ts';
import { runIr, runOrt } from '../import/onnx-fixtures.ts';

function model(dims: number[], epsilon?: number, scaleLength = dims[1]): Uint8Array {
  const r = rng(dims.length + 30);
  return encodeModel(
    makeModel({
      inputs: [valueInfo('x', dims)],
      outputs: [valueInfo('y', dims)],
      initializers: [
        floatTensor('scale', [scaleLength], randF32(r, scaleLength, 0.5, 1.5)),
        floatTensor('B', [dims[1]], randF32(r, dims[1], -1, 1)),
      ],
      nodes: [node('InstanceNormalization', ['x', 'scale', 'B'], ['y'], epsilon !== undefined ? { epsilon } : {}, 'inorm')],
      opset: 13,
    }),
  );
}

const CASES = [
  { what: 'NCHW', dims: [2, 3, 4, 5] },
  { what: 'NCHW with epsilon 0.1', dims: [1, 4, 3, 3], epsilon: 0.1 },
  { what: '[N, C, L]', dims: [2, 6, 16] },
];

describe('InstanceNormalization', () => {
  it.each(CASES)('imports $what like onnxruntime, and exports it so', async (c) => {
    const bytes = model(c.dims, c.epsilon);
    const g = simplify(importOnnx(bytes, 'in.onnx'));
    validateGraph(g);
    expect(g.nodes.map((n) => n.op)).toContain('InstanceNormalization');
    const x = { name: 'x', dims: c.dims, data: randF32(rng(4), product(c.dims), -3, 3) };
    const [want] = await runOrt(bytes, { x });
    expect(compare(runIr(g, [x])[0], want)).toBeUndefined();
    const [viaExport] = await runOrt(exportOnnx(g), { x });
    expect(compare(viaExport, want)).toBeUndefined();
  });

  it.each(CASES)('runs $what in C on the host as the reference does', (c) => {
    const g = simplify(importOnnx(model(c.dims, c.epsilon), 'in.onnx'));
    checkAgainstReference(g, { expectKernels: { reference: ['tfg_instancenorm_f32'] } });
  });

  it('int8 quantization keeps it in float between Dequantize and Quantize, with a float-fallback warning', async () => {
    const g = importOnnx(model(CASES[0].dims), 'in.onnx');
    const r = rng(6);
    const calibration = Array.from({ length: 16 }, () => ({ [g.inputs[0]]: randF32(r, 120, -3, 3) }));
    const log = createLog();
    const { ir } = await runPipeline(g, [{ step: 'quantize-int8', samples: 16 }], { data: { calibration }, log });
    expect(ir.nodes.map((n) => n.op)).toEqual(['Dequantize', 'InstanceNormalization', 'Quantize']);
    expect(log.diagnostics.map((d) => d.code)).toEqual(['float-fallback']);
  });

  it('refuses a scale whose length is not the channel count, naming the node', () => {
    const e = errorOf(() => importOnnx(model([1, 3, 4, 4], undefined, 4), 'in.onnx'));
    expect(e.code).toBe('unsupported-attribute');
    expect(e.diagnostic.notes![0]).toMatch(/^node "inorm" \(InstanceNormalization\): scale has 4 values for 3 channels/);
  });
});
