// The one-input math and activation ops (Abs … Gelu), table-driven: ONNX import and the float reference against
// onnxruntime; the ONNX export run by onnxruntime; int8 by a 256-entry table (tfg_lut_s8) against onnxruntime's float
// result quantized; int8 quantization keeps them int8; the C kernels against the reference (float, and int8 over all
// 256 inputs).
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { encodeModel, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph, OpAttrs, QuantParams } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { dequantizeArray, quantizeArray } from '../../src/reference/quant.ts';
import type { UnaryMathOp } from '../../src/reference/float/unary-math.ts';
import { erf, roundHalfEven } from '../../src/reference/float/unary-math.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { q, randF32, rng } from '../codegen/graphs.ts';
import { checkAgainstReference } from '../firmware/kernel-check.ts';
import { runIr, runOrt } from '../import/onnx-fixtures.ts';

interface Case {
  op: UnaryMathOp;
  /** IR attributes; the ONNX node gets the same ones. */
  attrs: Record<string, number | string>;
  /** The first ONNX opset with the op. */
  opset: number;
  /** Float inputs tested, and the int8 quantization of input and output. */
  lo: number;
  hi: number;
  qin: QuantParams;
  qout: QuantParams;
  kernel: string;
}

const c = (
  op: UnaryMathOp,
  kernel: string,
  lo: number,
  hi: number,
  qin: QuantParams,
  qout: QuantParams,
  more: Partial<Case> = {},
): Case => ({
  op,
  attrs: {},
  opset: 13,
  lo,
  hi,
  qin,
  qout,
  kernel,
  ...more,
});

const CASES: Record<string, Case> = {
  Abs: c('Abs', 'tfg_abs_f32', -4, 4, q(0.03, 0), q(4 / 255, -128)),
  Sqrt: c('Sqrt', 'tfg_sqrt_f32', 0.05, 6, q(0.025, -128), q(2.6 / 255, -128)),
  Reciprocal: c('Reciprocal', 'tfg_reciprocal_f32', 0.25, 4, q(0.03, -128), q(0.1, -128)),
  Floor: c('Floor', 'tfg_floor_f32', -3, 3, q(0.025, 0), q(1 / 32, 0)),
  Ceil: c('Ceil', 'tfg_ceil_f32', -3, 3, q(0.025, 0), q(1 / 32, 0)),
  Round: c('Round', 'tfg_round_f32', -3, 3, q(0.025, 0), q(1 / 32, 0)),
  Sign: c('Sign', 'tfg_sign_f32', -2, 2, q(0.02, 0), q(1 / 127, 0)),
  Erf: c('Erf', 'tfg_erf_f32', -3, 3, q(0.025, 0), q(1 / 127, 0)),
  Sin: c('Sin', 'tfg_sin_f32', -4, 4, q(0.032, 0), q(1 / 127, 0)),
  Cos: c('Cos', 'tfg_cos_f32', -4, 4, q(0.032, 0), q(1 / 127, 0)),
  Elu: c('Elu', 'tfg_elu_f32', -4, 4, q(0.032, 0), q(0.02, -93), { attrs: { alpha: 0.75 } }),
  Selu: c('Selu', 'tfg_selu_f32', -3, 3, q(0.024, 0), q(0.02, -40), { attrs: { alpha: 1.6732631921768188, gamma: 1.0507010221481323 } }),
  Celu: c('Celu', 'tfg_celu_f32', -4, 4, q(0.032, 0), q(0.022, -60), { attrs: { alpha: 1.5 }, opset: 12 }),
  Softplus: c('Softplus', 'tfg_softplus_f32', -4, 4, q(0.032, 0), q(4.1 / 255, -128)),
  Softsign: c('Softsign', 'tfg_softsign_f32', -4, 4, q(0.032, 0), q(1 / 127, 0)),
  ThresholdedRelu: c('ThresholdedRelu', 'tfg_thresholded_relu_f32', -2, 4, q(0.025, -48), q(4.4 / 255, -128), { attrs: { alpha: 0.5 } }),
  Mish: c('Mish', 'tfg_mish_f32', -4, 4, q(0.032, 0), q(0.018, -111), { opset: 18 }),
  Gelu: c('Gelu', 'tfg_gelu_f32', -4, 4, q(0.032, 0), q(0.017, -118), { attrs: { approximate: 'none' }, opset: 20 }),
  'Gelu (tanh)': c('Gelu', 'tfg_gelu_tanh_f32', -4, 4, q(0.032, 0), q(0.017, -118), { attrs: { approximate: 'tanh' }, opset: 20 }),
};

function onnxModel(k: Case, dims: number[]): Uint8Array {
  return encodeModel(
    makeModel({
      nodes: [node(k.op, ['x'], ['y'], k.attrs)],
      inputs: [valueInfo('x', dims)],
      outputs: [valueInfo('y', dims)],
      opset: k.opset,
    }),
  );
}

function graphOf(k: Case, shape: number[], int8 = false): Graph {
  const b = new GraphBuilder(`${k.op} [${shape}] ${int8 ? 's8' : 'f32'}`);
  const x = int8 ? b.input('x', shape, 'i8', k.qin) : b.input('x', shape);
  b.output(b.node(k.op, [x], k.attrs as OpAttrs[UnaryMathOp], int8 ? { name: 'y', dtype: 'i8', quant: k.qout } : 'y'));
  return b.build();
}

const ALL_INT8 = Int8Array.from({ length: 256 }, (_, i) => i - 128);

describe('erf and round half to even (the two functions JavaScript lacks)', () => {
  it('erf matches tabulated values (far beyond float32 precision)', () => {
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 12);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 12);
    expect(erf(-2)).toBeCloseTo(-0.9953222650189527, 12);
    expect(erf(3.5)).toBeCloseTo(0.9999992569016276, 12);
    expect(erf(5)).toBe(1);
  });
  it('rounds halves to the even neighbour', () => {
    expect([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.4, -2.6].map((v) => roundHalfEven(v) + 0)).toEqual([-2, -2, 0, 0, 2, 2, 2, -3]);
  });
});

describe.each(Object.keys(CASES))('%s', (name) => {
  const k = CASES[name];

  it('imports from ONNX and the float reference agrees with onnxruntime', async () => {
    const dims = [1, 3, 4, 5];
    const bytes = onnxModel(k, dims);
    const g = importOnnx(bytes, `${k.op}.onnx`);
    expect(g.nodes.map((n) => [n.op, n.attrs])).toEqual([[k.op, k.attrs]]);
    const x = { dims, data: randF32(rng(3), 60, k.lo, k.hi) };
    const [ort] = await runOrt(bytes, { x });
    expect(compare(runIr(g, [x])[0], ort)).toBeUndefined();
  });

  it('exports to ONNX so onnxruntime agrees', async () => {
    const g = { ...graphOf(k, [1, 40]), metadata: { inputLayout: 'NHWC', outputLayout: 'NHWC' } } as Graph;
    const x = { dims: [1, 40], data: randF32(rng(4), 40, k.lo, k.hi) };
    const [ort] = await runOrt(exportOnnx(g), { x });
    expect(compare(ort, runIr(g, [x])[0])).toBeUndefined();
  });

  it("int8 (lookup table) is onnxruntime's float result of the dequantized input, quantized, within one step", async () => {
    const y = runGraph(graphOf(k, [1, 256], true), { x: ALL_INT8 }).outputs.y as Int8Array;
    const [ort] = await runOrt(onnxModel(k, [1, 256]), { x: { dims: [1, 256], data: dequantizeArray(ALL_INT8, k.qin) } });
    const want = quantizeArray(ort, k.qout);
    // Sqrt of a negative input is NaN in float; the table maps it to −128, so only real results are compared.
    const worst = Math.max(...Array.from(y, (v, i) => (Number.isNaN(ort[i]) ? 0 : Math.abs(v - want[i]))));
    expect(worst).toBeLessThanOrEqual(1);
    // The table is not constant: the test would pass on a broken one otherwise.
    expect(new Set(y).size).toBeGreaterThanOrEqual(3);
  });

  it('int8 quantization keeps it int8', async () => {
    const r = rng(5);
    const samples = Array.from({ length: 32 }, () => ({ x: randF32(r, 16, k.lo, k.hi) }));
    const { ir } = await runPipeline(graphOf(k, [1, 16]), [{ step: 'quantize-int8', samples: 32 }], { data: { calibration: samples } });
    expect(ir.nodes.map((n) => n.op)).toEqual([k.op]);
    expect(ir.tensors.y.dtype).toBe('i8');
  });

  it('C kernels: float within tolerance, int8 byte for byte over every input value', () => {
    checkAgainstReference(graphOf(k, [1, 48]), {
      expectKernels: { reference: [k.kernel] },
      samples: 0,
      extra: [Float32Array.from({ length: 48 }, (_, i) => k.lo + ((k.hi - k.lo) * i) / 47), randF32(rng(6), 48, k.lo, k.hi)],
    });
    checkAgainstReference(graphOf(k, [1, 256], true), { expectKernels: { reference: ['tfg_lut_s8'] }, extra: [ALL_INT8] });
  });
});
