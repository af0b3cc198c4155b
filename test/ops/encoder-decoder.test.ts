// A tiny encoder-decoder as small segmentation models are built (Conv stride 2 → bilinear Resize ×2 or a stride-2
// ConvTranspose → Conv): the float
// import against onnxruntime, then int8 on QEMU mps2-an386, where every output equals the reference interpreter's.
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../../src/import/onnx.ts';
import { encodeModel, floatTensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { simplify } from '../../src/ir/optimize.ts';
import { product } from '../../src/ir/graph.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { runOnBoard } from '../../src/cli/run-model.ts';
import { dequantizeArray, quantizeArray } from '../../src/reference/quant.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { randF32, rng } from '../codegen/graphs.ts';
import { runIr, runOrt } from '../import/onnx-fixtures.ts';

const DIMS = [1, 3, 16, 16];

function encoderDecoder(decoder: 'Resize' | 'ConvTranspose'): Uint8Array {
  const r = rng(11);
  return encodeModel(
    makeModel({
      nodes: [
        node('Conv', ['x', 'w1', 'b1'], ['e'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
        node('Relu', ['e'], ['er']),
        decoder === 'Resize'
          ? node('Resize', ['er', '', 'scales'], ['u'], { mode: 'linear', coordinate_transformation_mode: 'half_pixel' })
          : node('ConvTranspose', ['er', 'wt', 'bt'], ['u'], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }),
        node('Conv', ['u', 'w2', 'b2'], ['y'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
      ],
      initializers: [
        floatTensor('w1', [8, 3, 3, 3], randF32(r, 8 * 27, -0.4, 0.4)),
        floatTensor('b1', [8], randF32(r, 8, -0.1, 0.1)),
        ...(decoder === 'Resize'
          ? [floatTensor('scales', [4], [1, 1, 2, 2])]
          : [floatTensor('wt', [8, 8, 3, 3], randF32(r, 8 * 72, -0.3, 0.3)), floatTensor('bt', [8], randF32(r, 8, -0.1, 0.1))]),
        floatTensor('w2', [2, 8, 3, 3], randF32(r, 2 * 72, -0.3, 0.3)),
        floatTensor('b2', [2], randF32(r, 2, -0.1, 0.1)),
      ],
      inputs: [valueInfo('x', DIMS)],
      outputs: [valueInfo('y', [1, 2, 16, 16])],
    }),
  );
}

describe('encoder-decoder (Conv stride 2 → Resize or ConvTranspose → Conv)', () => {
  for (const decoder of ['Resize', 'ConvTranspose'] as const)
    it(
      `${decoder} decoder: int8 on mps2-an386 equals the reference interpreter; float import equals onnxruntime`,
      { timeout: 300_000 },
      async () => {
        const bytes = encoderDecoder(decoder);
        const g = simplify(importOnnx(bytes, 'encoder-decoder.onnx'));
        const r = rng(12);
        const samples = Array.from({ length: 2 }, () => ({ dims: DIMS, data: randF32(r, product(DIMS), -1, 1) }));
        for (const x of samples) expect(compare(runIr(g, [x])[0], (await runOrt(bytes, { x }))[0])).toBeUndefined();

        const shape = g.tensors[g.inputs[0]].shape;
        const calibration = Array.from({ length: 16 }, () => ({ [g.inputs[0]]: randF32(r, product(shape), -1, 1) }));
        const { ir } = await runPipeline(g, [{ step: 'quantize-int8', samples: 16 }], { data: { calibration } });
        const up = ir.nodes.find((n) => n.op === decoder)!;
        expect(ir.tensors[up.inputs[0]].dtype).toBe('i8');
        expect(ir.nodes.filter((n) => n.op === 'Conv2D').every((n) => ir.tensors[n.inputs[0]].dtype === 'i8')).toBe(true);

        const xq = ir.tensors[ir.inputs[0]];
        const yq = ir.tensors[ir.outputs[0]];
        expect([xq.dtype, yq.dtype]).toEqual(['i8', 'i8']);
        for (const x of samples) {
          const input = { x: { name: 'x', dims: DIMS, dtype: 'int8' as const, data: quantizeArray(x.data, xq.quant!) } };
          const device = Object.values(await runOnBoard(ir, 'mps2-an386', input))[0].data as Int8Array;
          const ref = Object.values(await runOnBoard(ir, 'reference', input))[0].data as Int8Array;
          expect(Array.from(device)).toEqual(Array.from(ref));
          // The int8 model still computes the float model's function: within 5% of the output range.
          const yf = Array.from(runIr(g, [x])[0]);
          const y8 = dequantizeArray(device, yq.quant!);
          const range = Math.max(...yf) - Math.min(...yf);
          const worst = yf.reduce((m, v, i) => Math.max(m, Math.abs(v - y8[i])), 0);
          expect(worst).toBeLessThan(0.05 * range);
        }
      },
    );
});
