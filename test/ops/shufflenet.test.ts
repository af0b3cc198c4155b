// ShuffleNetV2-x0.5 as PyTorch exports it (examples/shufflenet-v2/make-model.ts): imports with every channel shuffle as
// one ChannelShuffle and every channel split as Slices, the float reference matches onnxruntime, and the int8 model's
// generated C matches the int8 reference byte for byte on the host.
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../../src/import/onnx.ts';
import { simplify } from '../../src/ir/optimize.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { product } from '../../src/ir/graph.ts';
import { shuffleNetV2Onnx } from '../../examples/shufflenet-v2/make-model.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { randF32, rng } from '../codegen/graphs.ts';
import { checkAgainstReference } from '../firmware/kernel-check.ts';
import { runIr, runOrt } from '../import/onnx-fixtures.ts';

describe('ShuffleNetV2-x0.5 (PyTorch export form, opset 13)', () => {
  const bytes = shuffleNetV2Onnx({ size: 64, classes: 10, seed: 1 });
  const g = simplify(importOnnx(bytes, 'shufflenet-v2.onnx'));

  it('imports with one ChannelShuffle per block and no 5-D tensors left', () => {
    const ops = g.nodes.map((n) => n.op);
    expect(ops.filter((op) => op === 'ChannelShuffle')).toHaveLength(16);
    expect(ops.filter((op) => op === 'Slice')).toHaveLength(2 * 13); // the stride-1 blocks split their input
    expect(Object.values(g.tensors).filter((t) => t.shape.length === 5)).toEqual([]);
  });

  it('the float reference matches onnxruntime', async () => {
    const x = { dims: [1, 3, 64, 64], data: randF32(rng(11), 3 * 64 * 64, -2, 2) };
    const [ort] = await runOrt(bytes, { input: x });
    const [ours] = runIr(g, [x]);
    expect(compare(ours, ort)).toBeUndefined();
  });

  it('int8: quantization keeps the plumbing int8 and the generated C matches the reference byte for byte', async () => {
    const r = rng(12);
    const shape = g.tensors[g.inputs[0]].shape;
    const calibration = Array.from({ length: 8 }, () => ({ [g.inputs[0]]: randF32(r, product(shape), -2, 2) }));
    const { ir } = await runPipeline(g, [{ step: 'quantize-int8', samples: 8 }], { data: { calibration } });
    const floatOps = ir.nodes.filter((n) => n.op !== 'Quantize' && n.op !== 'Dequantize' && ir.tensors[n.outputs[0]].dtype === 'f32');
    expect(floatOps.map((n) => n.op)).toEqual([]);
    checkAgainstReference(ir, { samples: 1, expectKernels: { reference: ['tfg_strided_copy_s8'] } });
  });
});
