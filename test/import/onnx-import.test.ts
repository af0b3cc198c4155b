// ONNX import checked against onnxruntime-node: a small CNN (grouped/depthwise conv, BN, relu6, pool, flatten, gemm,
// softmax), PyTorch's shape arithmetic, and the opset-dependent forms of Clip, Softmax and Pad.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../../src/import/onnx.ts';
import { encodeModel, floatTensor, int64Tensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { simplify } from '../../src/ir/optimize.ts';
import { validateGraph } from '../../src/ir/validate.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { randn, runIr, runOrt, smallCnn, torchFlattenModel } from './onnx-fixtures.ts';

async function agree(bytes: Uint8Array, inputs: { name: string; dims: number[]; data: Float32Array }[]) {
  const want = await runOrt(bytes, Object.fromEntries(inputs.map((x) => [x.name, x])));
  const g = importOnnx(bytes, 'model.onnx');
  validateGraph(g);
  const got = runIr(g, inputs);
  want.forEach((w, k) => expect(compare(got[k], w), `output ${k}`).toBeUndefined());
  return g;
}

describe('importOnnx', () => {
  it('runs a small CNN like onnxruntime, before and after simplify', async () => {
    const bytes = smallCnn({ metadata: { 'tinyforge.preprocess': JSON.stringify({ scale: 1 / 255, mean: [0.5], std: [0.25] }) } });
    const x = { name: 'x', dims: [1, 4, 12, 12], data: randn(4 * 144, 42, 3) };
    const [want] = await runOrt(bytes, { x });
    const g = importOnnx(bytes, 'cnn.onnx');
    validateGraph(g);
    expect(g.nodes.map((n) => n.op)).toEqual([
      'Conv2D',
      'Relu',
      'DepthwiseConv2D',
      'BatchNormalization',
      'Clip',
      'MaxPool',
      'Transpose',
      'Reshape',
      'Dense',
      'Softmax',
    ]);
    expect(g.tensors['x'].shape).toEqual([1, 12, 12, 4]);
    expect(g.tensors['conv1.weight'].shape).toEqual([8, 3, 3, 2]); // OHWI, I = C/groups
    const conv = g.nodes[0];
    expect(conv.op === 'Conv2D' && conv.attrs).toMatchObject({ groups: 2, pads: [1, 0, 2, 1], strides: [2, 1] });
    const dw = g.nodes[2];
    expect(dw.op === 'DepthwiseConv2D' && dw.attrs).toMatchObject({ multiplier: 2, pads: [1, 1, 1, 1] });
    expect(g.tensors[dw.inputs[1]].shape).toEqual([1, 3, 3, 16]);
    expect(g.metadata).toMatchObject({
      inputLayout: 'NCHW',
      outputLayout: 'NCHW',
      preprocess: { scale: 1 / 255, mean: [0.5], std: [0.25] },
    });
    expect(compare(runIr(g, [x])[0], want)).toBeUndefined();

    const s = simplify(g);
    validateGraph(s);
    expect(s.nodes.map((n) => n.op)).toEqual(['Conv2D', 'DepthwiseConv2D', 'MaxPool', 'Reshape', 'Dense', 'Softmax']);
    expect(s.nodes[0].op === 'Conv2D' && s.nodes[0].attrs.activation).toBe('relu');
    expect(s.nodes[1].op === 'DepthwiseConv2D' && s.nodes[1].attrs.activation).toBe('relu6');
    expect(compare(runIr(s, [x])[0], want)).toBeUndefined();
    expect(g.nodes).toHaveLength(10); // simplify left its input alone
  });

  it('folds PyTorch shape arithmetic (Shape→Gather→Unsqueeze→Concat→Reshape) and sets a symbolic batch to 1', async () => {
    const x = { name: 'x', dims: [1, 3, 4, 4], data: randn(48, 5) };
    const g = await agree(torchFlattenModel(), [x]);
    expect(g.nodes.map((n) => n.op)).toEqual(['Transpose', 'Reshape', 'Dense']);
    expect(g.tensors['x'].shape).toEqual([1, 4, 4, 3]);
  });

  it('passes a Cast to float32 of a runtime tensor through and folds Min, Max and Pow of constants', async () => {
    const x = { name: 'x', dims: [2, 3], data: randn(6, 9) };
    const model = makeModel({
      inputs: [valueInfo('x', [2, 3])],
      outputs: [valueInfo('y', [2, 3])],
      opset: 13,
      initializers: [
        floatTensor('a', [3], [0.5, -2, 3]),
        floatTensor('b', [2, 1], [1, -1]),
        floatTensor('c', [], [0.25]),
        floatTensor('e', [1], [3]),
      ],
      nodes: [
        node('Cast', ['x'], ['xf'], { to: 1 }),
        node('Min', ['a', 'b', 'c'], ['lo']),
        node('Max', ['a', 'b'], ['hi']),
        node('Pow', ['hi', 'e'], ['cube']),
        node('Add', ['lo', 'cube'], ['k']),
        node('Mul', ['xf', 'k'], ['y']),
      ],
    });
    const g = await agree(encodeModel(model), [x]);
    expect(g.nodes.map((n) => n.op)).toEqual(['Mul']);
    const want = [1, -1].flatMap((b) => [0.5, -2, 3].map((a) => Math.max(a, b) ** 3 + Math.min(a, b, 0.25)));
    expect(Array.from(g.tensors[g.nodes[0].inputs[1]].data!)).toEqual(want);
  });

  it('reads Clip bounds as attributes before opset 11 and as inputs from 11', async () => {
    const x = { name: 'x', dims: [2, 5], data: randn(10, 6, 8) };
    const io = { inputs: [valueInfo('x', [2, 5])], outputs: [valueInfo('y', [2, 5])] };
    await agree(encodeModel(makeModel({ ...io, opset: 9, nodes: [node('Clip', ['x'], ['y'], { min: -1.5, max: 2.5 })] })), [x]);
    const g = await agree(
      encodeModel(
        makeModel({
          ...io,
          opset: 13,
          initializers: [floatTensor('lo', [], [-1.5]), floatTensor('hi', [], [2.5])],
          nodes: [node('Clip', ['x', 'lo', 'hi'], ['y'])],
        }),
      ),
      [x],
    );
    expect(g.nodes[0].attrs).toEqual({ min: -1.5, max: 2.5 });
  });

  it('applies the old Softmax (flatten from axis) before opset 13 and the single-axis one from 13 on NCHW tensors', async () => {
    const x = { name: 'x', dims: [1, 3, 2, 2], data: randn(12, 7, 3) };
    const io = { inputs: [valueInfo('x', [1, 3, 2, 2])], outputs: [valueInfo('y', [1, 3, 2, 2])] };
    await agree(encodeModel(makeModel({ ...io, opset: 11, nodes: [node('Softmax', ['x'], ['y'], { axis: 1 })] })), [x]);
    const g = await agree(encodeModel(makeModel({ ...io, opset: 13, nodes: [node('Softmax', ['x'], ['y'], { axis: 1 })] })), [x]);
    expect(g.nodes[0].attrs).toMatchObject({ axis: 3 }); // NCHW channel axis is NHWC axis 3
  });

  it('reads Pad pads as an attribute before opset 11 and as an input from 11, in NHWC order', async () => {
    const x = { name: 'x', dims: [1, 2, 3, 3], data: randn(18, 8) };
    const pads = [0, 0, 1, 2, 0, 1, 0, 1];
    const io = { inputs: [valueInfo('x', [1, 2, 3, 3])], outputs: [valueInfo('y', [1, 3, 4, 6])] };
    await agree(encodeModel(makeModel({ ...io, opset: 9, nodes: [node('Pad', ['x'], ['y'], { pads, value: 0.5 })] })), [x]);
    const g = await agree(
      encodeModel(
        makeModel({
          ...io,
          opset: 13,
          initializers: [int64Tensor('p', [8], pads), floatTensor('v', [], [0.5])],
          nodes: [node('Pad', ['x', 'p', 'v'], ['y'])],
        }),
      ),
      [x],
    );
    expect(g.nodes[0].attrs).toEqual({ pads: [0, 1, 2, 0, 0, 0, 1, 1], value: 0.5 });
  });

  it('resolves SAME_LOWER / SAME_UPPER / VALID auto_pad and MatMul with a constant B', async () => {
    for (const autoPad of ['SAME_LOWER', 'SAME_UPPER', 'VALID']) {
      const x = { name: 'x', dims: [1, 2, 7, 6], data: randn(84, 9) };
      const model = encodeModel(
        makeModel({
          inputs: [valueInfo('x', [1, 2, 7, 6])],
          outputs: [valueInfo('y', autoPad === 'VALID' ? [1, 3, 2, 2] : [1, 3, 4, 3])],
          initializers: [floatTensor('w', [3, 2, 4, 4], randn(96, 10, 0.3))],
          nodes: [node('Conv', ['x', 'w'], ['y'], { auto_pad: autoPad, strides: [2, 2] })],
        }),
      );
      const g = await agree(model, [x]);
      expect(g.nodes[0].op).toBe('Conv2D');
    }
    const mm = encodeModel(
      makeModel({
        inputs: [valueInfo('x', [3, 4])],
        outputs: [valueInfo('y', [3, 2])],
        initializers: [floatTensor('b', [4, 2], randn(8, 13))],
        nodes: [node('MatMul', ['x', 'b'], ['y'])],
      }),
    );
    const g = await agree(mm, [{ name: 'x', dims: [3, 4], data: randn(12, 14) }]);
    expect(g.nodes.map((n) => n.op)).toEqual(['Dense']);
    expect(g.tensors[g.nodes[0].inputs[1]].shape).toEqual([2, 4]); // W[out, in]
  });

  it('runs 1-D Conv and pools (keyword-spotting style [N,C,L] tensors) as 2-D ops', async () => {
    const x = { name: 'x', dims: [1, 4, 20], data: randn(80, 15, 2) };
    const model = encodeModel(
      makeModel({
        inputs: [valueInfo('x', [1, 4, 20])],
        outputs: [valueInfo('y', [1, 6, 5])],
        initializers: [
          floatTensor('w', [6, 2, 5], randn(60, 16, 0.4)),
          floatTensor('b', [6], randn(6, 17, 0.1)),
          floatTensor('bn.s', [6], randn(6, 18, 1)),
          floatTensor('bn.b', [6], randn(6, 19)),
          floatTensor('bn.m', [6], randn(6, 20)),
          floatTensor(
            'bn.v',
            [6],
            randn(6, 21).map((v) => v + 1.5),
          ),
        ],
        nodes: [
          node('Conv', ['x', 'w', 'b'], ['c'], { group: 2, pads: [2, 1], strides: [2], dilations: [1] }),
          node('BatchNormalization', ['c', 'bn.s', 'bn.b', 'bn.m', 'bn.v'], ['n']),
          node('Relu', ['n'], ['r']),
          node('MaxPool', ['r'], ['m'], { kernel_shape: [2], strides: [2] }),
          node('AveragePool', ['m'], ['y'], { kernel_shape: [2], strides: [1], auto_pad: 'SAME_UPPER' }),
        ],
      }),
    );
    const g = await agree(model, [x]);
    expect(g.nodes.filter((n) => n.op === 'Conv2D' || n.op === 'MaxPool' || n.op === 'AveragePool')).toHaveLength(3);
    // simplify merges the reshapes/transposes between the 1-D layers, so BN folds and Relu fuses into the conv.
    const s = simplify(g);
    expect(s.nodes.map((n) => n.op)).toEqual(['Reshape', 'Transpose', 'Conv2D', 'MaxPool', 'AveragePool', 'Transpose', 'Reshape']);
    expect(s.nodes[2].op === 'Conv2D' && s.nodes[2].attrs.activation).toBe('relu');
    expect(compare(runIr(s, [x])[0], runIr(g, [x])[0])).toBeUndefined();
  });

  it('keeps an NHWC boundary (tf2onnx-style Transposes around the graph) instead of converting it twice', async () => {
    const x = { name: 'x', dims: [1, 6, 6, 3], data: randn(108, 22, 2) };
    const model = encodeModel(
      makeModel({
        inputs: [valueInfo('x', ['N', 6, 6, 3])],
        outputs: [valueInfo('y', ['N', 6, 6, 4])],
        initializers: [floatTensor('w', [4, 3, 3, 3], randn(108, 23, 0.3))],
        nodes: [
          node('Transpose', ['x'], ['x_nchw'], { perm: [0, 3, 1, 2] }),
          node('Conv', ['x_nchw', 'w'], ['c'], { pads: [1, 1, 1, 1] }),
          node('Relu', ['c'], ['r']),
          node('Transpose', ['r'], ['y'], { perm: [0, 2, 3, 1] }),
        ],
      }),
    );
    const g = await agree(model, [x]);
    expect(g.metadata).toMatchObject({ inputLayout: 'NHWC', outputLayout: 'NHWC' });
    expect(g.nodes.map((n) => n.op)).toEqual(['Conv2D', 'Relu']);
    expect([g.tensors.x.shape, g.tensors.y.shape]).toEqual([
      [1, 6, 6, 3],
      [1, 6, 6, 4],
    ]);
  });

  // The committed example models (examples/*/model.onnx, trained by `npm run examples:train`) get the same check once they exist.
  const examples = fs.existsSync('examples')
    ? fs
        .readdirSync('examples')
        .map((d) => path.join('examples', d, 'model.onnx'))
        .filter((f) => fs.existsSync(f))
    : [];
  for (const file of examples) {
    it(`agrees with onnxruntime on ${file}`, async () => {
      const bytes = new Uint8Array(fs.readFileSync(file));
      const g = simplify(importOnnx(bytes, file));
      validateGraph(g);
      const dims = g.tensors[g.inputs[0]].shape;
      const fileDims = dims.length === 4 ? [dims[0], dims[3], dims[1], dims[2]] : dims;
      const x = {
        name: g.inputs[0],
        dims: fileDims,
        data: randn(
          dims.reduce((a, b) => a * b, 1),
          77,
          1,
        ),
      };
      const [want] = await runOrt(bytes, { [x.name]: x });
      expect(compare(runIr(g, [x])[0], want)).toBeUndefined();
    });
  }
});
