// HardSwish end to end: ONNX import and the float reference against onnxruntime; ONNX export run by onnxruntime; the
// int8 reference against onnxruntime's float result quantized; int8 quantization keeps it int8; the C kernels
// (float, and int8 over all 256 inputs) against the reference on the host.
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { encodeModel, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph, QuantParams } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { dequantizeArray, quantizeArray } from '../../src/reference/quant.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { q, randF32, rng } from '../codegen/graphs.ts';
import { checkAgainstReference } from '../firmware/kernel-check.ts';
import { runIr, runOrt } from '../import/onnx-fixtures.ts';

/** A one-node ONNX model (opset 14, where HardSwish appears) on an input of `dims`. */
function hardSwishOnnx(dims: number[]): Uint8Array {
  return encodeModel(
    makeModel({ nodes: [node('HardSwish', ['x'], ['y'])], inputs: [valueInfo('x', dims)], outputs: [valueInfo('y', dims)], opset: 14 }),
  );
}

function hardSwishGraph(shape: number[], qin?: QuantParams, qout?: QuantParams): Graph {
  const b = new GraphBuilder(`HardSwish [${shape}] ${qin ? 's8' : 'f32'}`);
  const x = qin ? b.input('x', shape, 'i8', qin) : b.input('x', shape);
  b.output(b.node('HardSwish', [x], {}, qout ? { name: 'y', dtype: 'i8', quant: qout } : 'y'));
  return b.build();
}

/** Every int8 value once, in order. */
const ALL_INT8 = Int8Array.from({ length: 256 }, (_, i) => i - 128);

describe('HardSwish', () => {
  it('imports from ONNX and the float reference agrees with onnxruntime over both bends (x = −3, x = 3)', async () => {
    const dims = [1, 2, 5, 6];
    const bytes = hardSwishOnnx(dims);
    const g = importOnnx(bytes, 'hard-swish.onnx');
    expect(g.nodes.map((n) => n.op)).toContain('HardSwish');
    const x = { dims, data: randF32(rng(3), 60, -5, 5) };
    x.data.set([-3, 3, -3.0001, 3.0001, 0, -0.5]);
    const [ort] = await runOrt(bytes, { x });
    expect(compare(runIr(g, [x])[0], ort)).toBeUndefined();
  });

  it('exports to ONNX so onnxruntime agrees, and imports back', async () => {
    const g = { ...hardSwishGraph([1, 40]), metadata: { inputLayout: 'NHWC', outputLayout: 'NHWC' } } as Graph;
    const bytes = exportOnnx(g);
    const x = { dims: [1, 40], data: randF32(rng(4), 40, -6, 6) };
    const ours = runIr(g, [x])[0];
    const [ort] = await runOrt(bytes, { x });
    expect(compare(ort, ours)).toBeUndefined();
    expect(compare(runIr(importOnnx(bytes, 'exported.onnx'), [x])[0], ours)).toBeUndefined();
  });

  it("int8 reference is onnxruntime's float HardSwish of the dequantized input, quantized, within one step", async () => {
    const [qin, qout] = [q(0.05, 3), q(0.03, -115)];
    const y = runGraph(hardSwishGraph([1, 256], qin, qout), { x: ALL_INT8 }).outputs.y as Int8Array;
    const [ort] = await runOrt(hardSwishOnnx([1, 256]), { x: { dims: [1, 256], data: dequantizeArray(ALL_INT8, qin) } });
    const want = quantizeArray(ort, qout);
    const worst = Math.max(...Array.from(y, (v, i) => Math.abs(v - want[i])));
    expect(worst).toBeLessThanOrEqual(1);
    // The saturating ends: x ≤ −3 gives 0 (the output zero point), large x gives x requantized.
    expect(y[0]).toBe(-115);
    expect(y[255]).toBe(want[255]);
  });

  it('int8 quantization keeps it int8 (no Dequantize/Quantize around it)', async () => {
    const b = new GraphBuilder('hswish');
    const x = b.input('x', [1, 16]);
    b.output(b.node('HardSwish', [x], {}, 'y'));
    const g = b.build();
    const r = rng(5);
    const samples = Array.from({ length: 32 }, () => ({ x: randF32(r, 16, -4, 4) }));
    const { ir } = await runPipeline(g, [{ step: 'quantize-int8', samples: 32 }], { data: { calibration: samples } });
    expect(ir.nodes.map((n) => n.op)).toEqual(['HardSwish']);
    expect(ir.tensors.y.dtype).toBe('i8');
  });

  it('C kernels: float within tolerance, int8 byte for byte over every input value', () => {
    checkAgainstReference(hardSwishGraph([1, 4, 4, 3]), {
      expectKernels: { reference: ['tfg_hard_swish_f32'] },
      extra: [Float32Array.from({ length: 48 }, (_, i) => (i - 24) / 4)],
    });
    checkAgainstReference(hardSwishGraph([1, 256], q(0.05, 3), q(0.03, -115)), {
      expectKernels: { reference: ['tfg_lut_s8'] },
      extra: [ALL_INT8],
    });
  });
});
