// ConvTranspose end to end: ONNX import (strides, pads, output_padding, output_shape, with and without bias) and the
// float reference against onnxruntime; the ONNX export run by onnxruntime; int8 quantization keeping it int8 and close
// to the float result; the C kernels against the reference on the host (int8 byte for byte); refusals by name.
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { encodeModel, floatTensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { simplify } from '../../src/ir/optimize.ts';
import { product } from '../../src/ir/graph.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { dequantizeArray, quantizeArray } from '../../src/reference/quant.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { randF32, rng } from '../codegen/graphs.ts';
import { checkAgainstReference } from '../firmware/kernel-check.ts';
import { runIr, runOrt } from '../import/onnx-fixtures.ts';

interface Case {
  dims: number[];
  weights: number[];
  out: number[];
  attrs: Record<string, string | number | number[]>;
  bias?: boolean;
}

function model(c: Case): Uint8Array {
  const r = rng(5);
  const inits = [floatTensor('w', c.weights, randF32(r, product(c.weights), -0.5, 0.5))];
  if (c.bias) inits.push(floatTensor('b', [c.weights[1]], randF32(r, c.weights[1], -0.2, 0.2)));
  return encodeModel(
    makeModel({
      nodes: [node('ConvTranspose', c.bias ? ['x', 'w', 'b'] : ['x', 'w'], ['y'], c.attrs)],
      initializers: inits,
      inputs: [valueInfo('x', c.dims)],
      outputs: [valueInfo('y', c.out)],
    }),
  );
}

const CASES: [string, Case][] = [
  [
    'PyTorch ConvTranspose2d(k=3, s=2, p=1, output_padding=1) with bias: 5×4 → 10×8',
    {
      dims: [1, 3, 5, 4],
      weights: [3, 4, 3, 3],
      out: [1, 4, 10, 8],
      attrs: { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] },
      bias: true,
    },
  ],
  ['U-Net up-convolution k=2, s=2, no bias', { dims: [1, 4, 3, 3], weights: [4, 2, 2, 2], out: [1, 2, 6, 6], attrs: { strides: [2, 2] } }],
  [
    'stride 1, asymmetric pads, non-square kernel',
    { dims: [1, 2, 4, 5], weights: [2, 3, 3, 2], out: [1, 3, 5, 5], attrs: { pads: [0, 1, 1, 0] }, bias: true },
  ],
  [
    'output_shape with SAME_UPPER (even total padding)',
    {
      dims: [1, 2, 3, 3],
      weights: [2, 2, 4, 4],
      out: [1, 2, 6, 6],
      attrs: { strides: [2, 2], output_shape: [6, 6], auto_pad: 'SAME_UPPER' },
      bias: true,
    },
  ],
];

describe('ConvTranspose', () => {
  for (const [name, c] of CASES) {
    it(name, async () => {
      const bytes = model(c);
      const g = simplify(importOnnx(bytes, 'convt.onnx'));
      expect(g.nodes.map((n) => n.op)).toContain('ConvTranspose');
      const x = { dims: c.dims, data: randF32(rng(6), product(c.dims), -2, 2) };
      const [ort] = await runOrt(bytes, { x });
      expect(compare(runIr(g, [x])[0], ort), 'import vs onnxruntime').toBeUndefined();
      const [viaExport] = await runOrt(exportOnnx(g), { x });
      expect(compare(viaExport, ort), 'export vs onnxruntime').toBeUndefined();

      const r = rng(7);
      const shape = g.tensors[g.inputs[0]].shape;
      const calibration = Array.from({ length: 16 }, () => ({ [g.inputs[0]]: randF32(r, product(shape), -2, 2) }));
      const { ir } = await runPipeline(g, [{ step: 'quantize-int8', samples: 16 }], { data: { calibration } });
      const ct = ir.nodes.find((n) => n.op === 'ConvTranspose')!;
      expect(ir.tensors[ct.inputs[0]].dtype).toBe('i8');
      expect(ir.tensors[ct.inputs[1]].quant!.scale).toHaveLength(c.weights[1]); // per output channel
      // The int8 layer on the quantized input vs the float layer on the same (dequantized) values: a few output steps.
      const xq = ir.tensors[ct.inputs[0]];
      const yq = ir.tensors[ct.outputs[0]];
      const q8 = quantizeArray(randF32(rng(8), product(xq.shape), -2, 2), xq.quant!);
      const one = { ...ir, inputs: [ct.inputs[0]], outputs: [ct.outputs[0]], nodes: [ct] };
      const q8out = runGraph(one, { [ct.inputs[0]]: q8 }).outputs[ct.outputs[0]] as Int8Array;
      const y8 = dequantizeArray(q8out, yq.quant!);
      const fn = g.nodes.find((n) => n.op === 'ConvTranspose')!;
      const floatOne = { ...g, inputs: [fn.inputs[0]], outputs: [fn.outputs[0]], nodes: [fn] };
      const yf = runGraph(floatOne, { [fn.inputs[0]]: dequantizeArray(q8, xq.quant!) }).outputs[fn.outputs[0]] as Float32Array;
      // Outputs beyond the calibrated range saturate by design; the others are off by weight rounding only.
      const worst = yf.reduce((m, v, i) => (q8out[i] === 127 || q8out[i] === -128 ? m : Math.max(m, Math.abs(v - y8[i]))), 0);
      expect(worst).toBeLessThan(3 * yq.quant!.scale[0]);

      checkAgainstReference(g, { expectKernels: { reference: ['tfg_conv_transpose_f32'] } });
      checkAgainstReference(ir, { expectKernels: { reference: ['tfg_conv_transpose_s8'] } });
    });
  }

  const refuse = (c: Case, pattern: RegExp) => {
    let err: unknown;
    try {
      importOnnx(model(c), 'convt.onnx');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TinyforgeError);
    expect((err as TinyforgeError).diagnostic.notes?.join('\n')).toMatch(pattern);
  };
  it('refuses groups and dilations by name', () => {
    refuse({ dims: [1, 4, 3, 3], weights: [4, 1, 3, 3], out: [1, 2, 5, 5], attrs: { group: 2 } }, /group 2 is not supported/);
    refuse({ dims: [1, 2, 3, 3], weights: [2, 2, 3, 3], out: [1, 2, 7, 7], attrs: { dilations: [2, 2] } }, /dilations \[2,2\]/);
  });
});
