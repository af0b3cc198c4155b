// Min, Max and Pow: ONNX import (two runtime inputs broadcast, a constant operand, Min/Max of one and of three inputs)
// and the float reference against onnxruntime; the ONNX export run by onnxruntime; int8 Min/Max against onnxruntime's
// float result quantized (and exactly TFLite's comparison when the quantizations agree); int8 quantization keeps
// Min/Max int8 and Pow float; the C kernels against the reference (float within tolerance, int8 byte for byte).
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { encodeModel, floatTensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph, QuantParams } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { dequantizeArray, quantizeArray } from '../../src/reference/quant.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { createLog } from '../../src/compress/pass.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { q, randF32, randI8, rng } from '../codegen/graphs.ts';
import { checkAgainstReference } from '../firmware/kernel-check.ts';
import { runIr, runOrt } from '../import/onnx-fixtures.ts';

type Op = 'Min' | 'Max' | 'Pow';

/** An ONNX model of one node over runtime inputs x0… (shapes `dims`) and constant initializers. */
function onnxModel(op: Op, dims: number[][], out: number[], consts: { name: string; dims: number[]; data: number[] }[] = []): Uint8Array {
  const names = dims.map((_, i) => `x${i}`);
  return encodeModel(
    makeModel({
      nodes: [node(op, [...names, ...consts.map((c) => c.name)], ['y'])],
      initializers: consts.map((c) => floatTensor(c.name, c.dims, c.data)),
      inputs: dims.map((d, i) => valueInfo(names[i], d)),
      outputs: [valueInfo('y', out)],
      opset: 13,
    }),
  );
}

const size = (d: number[]) => d.reduce((a, b) => a * b, 1);

describe('ONNX import: the float reference agrees with onnxruntime', () => {
  const cases: {
    what: string;
    op: Op;
    dims: number[][];
    out: number[];
    consts?: { name: string; dims: number[]; data: number[] }[];
    lo?: number;
  }[] = [
    {
      what: 'Min of two NCHW tensors, one broadcast',
      op: 'Min',
      dims: [
        [1, 3, 4, 5],
        [1, 1, 4, 5],
      ],
      out: [1, 3, 4, 5],
    },
    {
      what: 'Max of a tensor and a per-channel constant',
      op: 'Max',
      dims: [[1, 3, 4, 5]],
      out: [1, 3, 4, 5],
      consts: [{ name: 'c', dims: [3, 1, 1], data: [-0.5, 0, 0.5] }],
    },
    {
      what: 'Max of three inputs',
      op: 'Max',
      dims: [
        [2, 6],
        [2, 6],
        [1, 6],
      ],
      out: [2, 6],
    },
    { what: 'Min of one input', op: 'Min', dims: [[2, 6]], out: [2, 6] },
    {
      what: 'Pow with a scalar exponent',
      op: 'Pow',
      dims: [[1, 3, 4, 5]],
      out: [1, 3, 4, 5],
      consts: [{ name: 'e', dims: [], data: [2.5] }],
      lo: 0.1,
    },
    {
      what: 'Pow with a per-element exponent row',
      op: 'Pow',
      dims: [[2, 5]],
      out: [2, 5],
      consts: [{ name: 'e', dims: [5], data: [0, 1, 2, 3, -1] }],
    },
  ];
  it.each(cases)('$what', async (c) => {
    const bytes = onnxModel(c.op, c.dims, c.out, c.consts);
    const g = importOnnx(bytes, `${c.op}.onnx`);
    const want = c.dims.length === 1 && !c.consts ? [] : [c.op];
    expect(g.nodes.map((n) => n.op).filter((op) => op === c.op)).toEqual(c.dims.length === 3 ? [c.op, c.op] : want);
    const r = rng(3);
    const xs = c.dims.map((d, i) => ({ name: `x${i}`, dims: d, data: randF32(r, size(d), c.lo ?? -2, 2) }));
    const ort = await runOrt(bytes, Object.fromEntries(xs.map((x) => [x.name, x])));
    expect(compare(runIr(g, xs)[0], ort[0])).toBeUndefined();
  });
});

function graphOf(
  op: Op,
  shape: number[],
  other: { shape: number[]; data: number[] },
  int8?: { qin: QuantParams; qc: QuantParams; qout: QuantParams },
): Graph {
  const b = new GraphBuilder(`${op} [${shape}] with [${other.shape}] ${int8 ? 's8' : 'f32'}`);
  const x = int8 ? b.input('x', shape, 'i8', int8.qin) : b.input('x', shape);
  const c = int8
    ? b.constant('c', quantizeArray(Float32Array.from(other.data), int8.qc), other.shape, int8.qc, 'i8')
    : b.constant('c', other.data, other.shape);
  b.output(b.node(op, [x, c], {}, int8 ? { name: 'y', dtype: 'i8', quant: int8.qout } : 'y'));
  return b.build();
}

const ROW = { shape: [6], data: [-1.5, -0.5, 0, 0.25, 1, 2] };

describe.each(['Min', 'Max', 'Pow'] as const)('%s', (op) => {
  const lo = op === 'Pow' ? 0.1 : -2;
  it('exports to ONNX so onnxruntime agrees', async () => {
    const g = { ...graphOf(op, [1, 4, 6], ROW), metadata: { inputLayout: 'NHWC', outputLayout: 'NHWC' } } as Graph;
    const x = { dims: [1, 4, 6], data: randF32(rng(4), 24, lo, 2) };
    const [ort] = await runOrt(exportOnnx(g), { x });
    expect(compare(ort, runIr(g, [x])[0])).toBeUndefined();
  });

  it('C kernel: float within tolerance, broadcast and same shape', () => {
    const kernel = `tfg_${op.toLowerCase()}_f32_bcast`;
    checkAgainstReference(graphOf(op, [2, 4, 6], ROW), {
      expectKernels: { reference: [kernel] },
      samples: 0,
      extra: [randF32(rng(6), 48, lo, 2)],
    });
    const same = { shape: [2, 6], data: [...ROW.data, ...ROW.data.map((v) => v / 2)] };
    checkAgainstReference(graphOf(op, [2, 6], same), {
      expectKernels: { reference: [kernel] },
      samples: 0,
      extra: [randF32(rng(7), 12, lo, 2)],
    });
  });
});

describe.each(['Min', 'Max'] as const)('int8 %s', (op) => {
  const quants = { qin: q(0.02, 10), qc: q(0.015, -3), qout: q(0.018, 5) };

  it("is onnxruntime's float result of the dequantized inputs, quantized, within one step", async () => {
    const g = graphOf(op, [4, 6], ROW, quants);
    const xq = randI8(rng(11), 24);
    const y = runGraph(g, { x: xq }).outputs.y as Int8Array;
    const c = dequantizeArray(g.tensors.c.data as Int8Array, quants.qc);
    const bytes = onnxModel(op, [[4, 6]], [4, 6], [{ name: 'c', dims: [6], data: Array.from(c) }]);
    const [ort] = await runOrt(bytes, { x0: { dims: [4, 6], data: dequantizeArray(xq, quants.qin) } });
    const want = quantizeArray(ort, quants.qout);
    expect(Math.max(...Array.from(y, (v, i) => Math.abs(v - want[i])))).toBeLessThanOrEqual(1);
  });

  it('compares the int8 values themselves when every quantization is the same (TFLite MINIMUM / MAXIMUM)', () => {
    const same = q(0.02, 3);
    const g = graphOf(op, [4, 6], ROW, { qin: same, qc: same, qout: same });
    const xq = randI8(rng(12), 24);
    const c = g.tensors.c.data as Int8Array;
    const y = runGraph(g, { x: xq }).outputs.y as Int8Array;
    expect(Array.from(y)).toEqual(Array.from(xq, (v, i) => (op === 'Max' ? Math.max(v, c[i % 6]) : Math.min(v, c[i % 6]))));
  });

  it('int8 quantization keeps it int8', async () => {
    const r = rng(5);
    const samples = Array.from({ length: 16 }, () => ({ x: randF32(r, 24, -2, 2) }));
    const { ir } = await runPipeline(graphOf(op, [4, 6], ROW), [{ step: 'quantize-int8', samples: 16 }], {
      data: { calibration: samples },
    });
    expect(ir.nodes.map((n) => n.op)).toEqual([op]);
    expect(ir.tensors.y.dtype).toBe('i8');
  });

  it('C kernel byte for byte: requantized inputs, and the same quantization throughout', () => {
    checkAgainstReference(graphOf(op, [3, 4, 6], ROW, quants), { expectKernels: { reference: ['tfg_minmax_s8_bcast'] } });
    const same = q(0.02, 3);
    checkAgainstReference(graphOf(op, [3, 4, 6], ROW, { qin: same, qc: same, qout: same }), {
      expectKernels: { reference: ['tfg_minmax_s8_bcast'] },
    });
  });
});

it('int8 quantization keeps Pow in float between Dequantize and Quantize, with a float-fallback warning', async () => {
  const r = rng(5);
  const samples = Array.from({ length: 16 }, () => ({ x: randF32(r, 24, 0.1, 2) }));
  const log = createLog();
  const { ir } = await runPipeline(graphOf('Pow', [4, 6], ROW), [{ step: 'quantize-int8', samples: 16 }], {
    data: { calibration: samples },
    log,
  });
  expect(ir.nodes.map((n) => n.op)).toEqual(['Dequantize', 'Pow', 'Quantize']);
  expect(log.diagnostics.map((d) => d.code)).toEqual(['float-fallback']);
});
