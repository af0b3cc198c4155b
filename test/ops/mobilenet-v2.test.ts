// MobileNetV2-0.35 at 96×96 as PyTorch exports it (examples/mobilenet-v2/make-model.ts): imports with every ReLU6
// (Clip 0..6) fused into its convolution and every residual as Add, the float reference matches onnxruntime, and the
// int8 model's generated C matches the int8 reference byte for byte on the host.
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../../src/import/onnx.ts';
import { simplify } from '../../src/ir/optimize.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { product } from '../../src/ir/graph.ts';
import { makeDivisible, mobileNetV2Onnx } from '../../examples/mobilenet-v2/make-model.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { randF32, rng } from '../codegen/graphs.ts';
import { checkAgainstReference } from '../firmware/kernel-check.ts';
import { runIr, runOrt } from '../import/onnx-fixtures.ts';

describe('MobileNetV2-0.35 96×96 (PyTorch export form, opset 13)', () => {
  const bytes = mobileNetV2Onnx({ size: 96, classes: 2, width: 0.35, seed: 1 });
  const g = simplify(importOnnx(bytes, 'mobilenet-v2.onnx'));

  it('rounds the widths as torchvision does', () => {
    expect([32, 16, 24, 32, 64, 96, 160, 320].map((c) => makeDivisible(c * 0.35))).toEqual([16, 8, 8, 16, 24, 32, 56, 112]);
  });

  it('imports as 52 convolutions with ReLU6 fused, 10 residual Adds and one Dense', () => {
    const count = (op: string) => g.nodes.filter((n) => n.op === op).length;
    // 17 blocks: 16 with an expansion 1×1, each with a depthwise 3×3 and a projection 1×1; the stem and the head 1×1.
    expect(count('Conv2D') + count('DepthwiseConv2D')).toBe(2 + 16 + 2 * 17);
    expect(count('DepthwiseConv2D')).toBe(17);
    expect(count('Add')).toBe(10); // repeats after the first block of each stage: 1 + 2 + 3 + 2 + 2
    expect(count('Clip')).toBe(0);
    expect(count('Dense')).toBe(1);
    const relu6 = g.nodes.filter((n) => (n.op === 'Conv2D' || n.op === 'DepthwiseConv2D') && n.attrs.activation === 'relu6');
    expect(relu6).toHaveLength(2 + 16 + 17);
  });

  it('the float reference matches onnxruntime', async () => {
    const x = { dims: [1, 3, 96, 96], data: randF32(rng(21), 3 * 96 * 96, -2, 2) };
    const [ort] = await runOrt(bytes, { input: x });
    const [ours] = runIr(g, [x]);
    expect(compare(ours, ort)).toBeUndefined();
  });

  it('int8: every op computes in int8 and the generated C matches the reference byte for byte', async () => {
    const r = rng(22);
    const shape = g.tensors[g.inputs[0]].shape;
    const calibration = Array.from({ length: 4 }, () => ({ [g.inputs[0]]: randF32(r, product(shape), -2, 2) }));
    const { ir } = await runPipeline(g, [{ step: 'quantize-int8', samples: 4 }], { data: { calibration } });
    const floatOps = ir.nodes.filter((n) => n.op !== 'Quantize' && n.op !== 'Dequantize' && ir.tensors[n.outputs[0]].dtype === 'f32');
    expect(floatOps.map((n) => n.op)).toEqual([]);
    checkAgainstReference(ir, { samples: 1 });
  });
});
