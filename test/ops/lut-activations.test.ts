// Sigmoid, Tanh, HardSigmoid, Exp and Log: ONNX import and the float reference against onnxruntime; the ONNX export
// run by onnxruntime; int8 by a 256-entry table (tfg_lut_s8) against onnxruntime's float result quantized; int8
// quantization keeps them int8; the C kernels against the reference (float, and int8 over all 256 inputs).
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { encodeModel, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph, OpAttrs, QuantParams } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { dequantizeArray, quantizeArray } from '../../src/reference/quant.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { q, randF32, rng } from '../codegen/graphs.ts';
import { checkAgainstReference } from '../firmware/kernel-check.ts';
import { runIr, runOrt } from '../import/onnx-fixtures.ts';

type LutOp = 'Sigmoid' | 'Tanh' | 'HardSigmoid' | 'Exp' | 'Log';

/** Per op: ONNX attributes, the float input range tested, int8 input/output quantization, the float kernel. */
const OPS: Record<LutOp, { attrs: Record<string, number>; lo: number; hi: number; qin: QuantParams; qout: QuantParams; kernel: string }> = {
  Sigmoid: { attrs: {}, lo: -8, hi: 8, qin: q(0.06, 0), qout: q(1 / 256, -128), kernel: 'tfg_sigmoid_f32' },
  Tanh: { attrs: {}, lo: -4, hi: 4, qin: q(0.03, 4), qout: q(1 / 128, 0), kernel: 'tfg_tanh_f32' },
  HardSigmoid: {
    attrs: { alpha: 0.25, beta: 0.4 },
    lo: -4,
    hi: 4,
    qin: q(0.03, -2),
    qout: q(1 / 255, -128),
    kernel: 'tfg_hard_sigmoid_f32',
  },
  Exp: { attrs: {}, lo: -3, hi: 2, qin: q(0.02, 20), qout: q(7.4 / 255, -128), kernel: 'tfg_exp_f32' },
  Log: { attrs: {}, lo: 0.05, hi: 6, qin: q(0.025, -128), qout: q(0.02, 30), kernel: 'tfg_log_f32' },
};

function onnxModel(op: LutOp, dims: number[]): Uint8Array {
  return encodeModel(
    makeModel({
      nodes: [node(op, ['x'], ['y'], OPS[op].attrs)],
      inputs: [valueInfo('x', dims)],
      outputs: [valueInfo('y', dims)],
      opset: 13,
    }),
  );
}

function graphOf(op: LutOp, shape: number[], int8 = false): Graph {
  const b = new GraphBuilder(`${op} [${shape}] ${int8 ? 's8' : 'f32'}`);
  const { qin, qout, attrs } = OPS[op];
  const x = int8 ? b.input('x', shape, 'i8', qin) : b.input('x', shape);
  b.output(b.node(op, [x], attrs as OpAttrs[LutOp], int8 ? { name: 'y', dtype: 'i8', quant: qout } : 'y'));
  return b.build();
}

const ALL_INT8 = Int8Array.from({ length: 256 }, (_, i) => i - 128);

describe.each(Object.keys(OPS) as LutOp[])('%s', (op) => {
  const { lo, hi, qin, qout, kernel } = OPS[op];

  it('imports from ONNX and the float reference agrees with onnxruntime', async () => {
    const dims = [1, 3, 4, 5];
    const bytes = onnxModel(op, dims);
    const g = importOnnx(bytes, `${op}.onnx`);
    expect(g.nodes.map((n) => n.op)).toEqual([op]);
    const x = { dims, data: randF32(rng(3), 60, lo, hi) };
    const [ort] = await runOrt(bytes, { x });
    expect(compare(runIr(g, [x])[0], ort)).toBeUndefined();
  });

  it('exports to ONNX so onnxruntime agrees', async () => {
    const g = { ...graphOf(op, [1, 40]), metadata: { inputLayout: 'NHWC', outputLayout: 'NHWC' } } as Graph;
    const x = { dims: [1, 40], data: randF32(rng(4), 40, lo, hi) };
    const [ort] = await runOrt(exportOnnx(g), { x });
    expect(compare(ort, runIr(g, [x])[0])).toBeUndefined();
  });

  it("int8 (lookup table) is onnxruntime's float result of the dequantized input, quantized, within one step", async () => {
    const y = runGraph(graphOf(op, [1, 256], true), { x: ALL_INT8 }).outputs.y as Int8Array;
    const deq = dequantizeArray(ALL_INT8, qin);
    const [ort] = await runOrt(onnxModel(op, [1, 256]), { x: { dims: [1, 256], data: deq } });
    const want = quantizeArray(ort, qout);
    // Log of a negative input is NaN in float; the table maps it to −128, so only real results are compared.
    const worst = Math.max(...Array.from(y, (v, i) => (Number.isNaN(ort[i]) ? 0 : Math.abs(v - want[i]))));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('int8 quantization keeps it int8', async () => {
    const r = rng(5);
    const samples = Array.from({ length: 32 }, () => ({ x: randF32(r, 16, lo, hi) }));
    const { ir } = await runPipeline(graphOf(op, [1, 16]), [{ step: 'quantize-int8', samples: 32 }], { data: { calibration: samples } });
    expect(ir.nodes.map((n) => n.op)).toEqual([op]);
    expect(ir.tensors.y.dtype).toBe('i8');
  });

  it('C kernels: float within tolerance, int8 byte for byte over every input value', () => {
    // Inputs from the op's range (the default random ones reach below 0, where Log is NaN and NaN ≠ NaN).
    checkAgainstReference(graphOf(op, [1, 48]), {
      expectKernels: { reference: [kernel] },
      samples: 0,
      extra: [Float32Array.from({ length: 48 }, (_, i) => lo + ((hi - lo) * i) / 47), randF32(rng(6), 48, lo, hi)],
    });
    checkAgainstReference(graphOf(op, [1, 256], true), { expectKernels: { reference: ['tfg_lut_s8'] }, extra: [ALL_INT8] });
  });
});
