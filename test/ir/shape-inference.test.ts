// Shape inference per op through GraphBuilder, including the failures each OpDef must report.
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { OpAttrs, OpType } from '../../src/ir/graph.ts';
import { OP_TYPES } from '../../src/ir/graph.ts';
import { opDefs } from '../../src/ir/ops/index.ts';
import { errorOf } from '../errors.ts';

const zeros = (shape: number[]) => new Float32Array(shape.reduce((a, b) => a * b, 1));

/** Builds x → op(x, ...constants) and returns the inferred output shape. */
function shapeOf<K extends OpType>(
  op: K,
  xShape: number[],
  consts: number[][],
  attrs: Partial<OpAttrs[K]> = {},
  extraInputs: number[][] = [],
): number[] {
  const b = new GraphBuilder('t');
  const x = b.input('x', xShape);
  const others = extraInputs.map((s, i) => b.input(`in${i}`, s));
  const cs = consts.map((s, i) => b.constant(`c${i}`, zeros(s), s));
  const y = b.node(op, [x, ...others, ...cs], attrs);
  b.output(y);
  return b.build().tensors[y].shape;
}

describe('inferShapes per op', () => {
  it('covers every op in the contract', () => {
    expect(Object.keys(opDefs).sort()).toEqual([...OP_TYPES].sort());
  });

  it('Dense maps [N,in] to [N,out]', () => {
    expect(shapeOf('Dense', [1, 784], [[300, 784], [300]])).toEqual([1, 300]);
    expect(shapeOf('Dense', [4, 10], [[3, 10]])).toEqual([4, 3]);
  });

  it('Conv2D: same pads, stride 2, dilation, asymmetric pads, groups', () => {
    expect(shapeOf('Conv2D', [1, 28, 28, 1], [[8, 3, 3, 1]], { pads: [1, 1, 1, 1] })).toEqual([1, 28, 28, 8]);
    expect(shapeOf('Conv2D', [1, 28, 28, 3], [[16, 3, 3, 3]], { strides: [2, 2] })).toEqual([1, 13, 13, 16]);
    expect(shapeOf('Conv2D', [1, 10, 10, 1], [[2, 3, 3, 1]], { dilations: [2, 2] })).toEqual([1, 6, 6, 2]);
    expect(shapeOf('Conv2D', [1, 5, 6, 1], [[1, 3, 3, 1]], { pads: [0, 1, 2, 0], strides: [2, 1] })).toEqual([1, 3, 5, 1]);
    expect(shapeOf('Conv2D', [1, 8, 8, 4], [[6, 1, 1, 2], [6]], { groups: 2 })).toEqual([1, 8, 8, 6]);
  });

  it('DepthwiseConv2D with multiplier', () => {
    expect(shapeOf('DepthwiseConv2D', [1, 8, 8, 3], [[1, 3, 3, 6]], { multiplier: 2, pads: [1, 1, 1, 1] })).toEqual([1, 8, 8, 6]);
    expect(shapeOf('DepthwiseConv2D', [1, 9, 9, 4], [[1, 3, 3, 4]], { strides: [2, 2] })).toEqual([1, 4, 4, 4]);
  });

  it('pools', () => {
    expect(shapeOf('MaxPool', [1, 28, 28, 8], [])).toEqual([1, 14, 14, 8]);
    expect(shapeOf('MaxPool', [1, 7, 7, 2], [], { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] })).toEqual([1, 4, 4, 2]);
    expect(shapeOf('AveragePool', [1, 5, 5, 2], [], { kernel: [3, 3], strides: [1, 1] })).toEqual([1, 3, 3, 2]);
    expect(shapeOf('GlobalAveragePool', [1, 7, 5, 16], [])).toEqual([1, 1, 1, 16]);
  });

  it('binary ops broadcast with numpy rules', () => {
    expect(shapeOf('Add', [1, 4, 4, 3], [[3]])).toEqual([1, 4, 4, 3]);
    expect(shapeOf('Mul', [1, 4, 1, 3], [[5, 1]])).toEqual([1, 4, 5, 3]);
    expect(shapeOf('Sub', [2, 1], [[1, 7]])).toEqual([2, 7]);
    expect(shapeOf('Div', [3], [[2, 1, 3]])).toEqual([2, 1, 3]);
    expect(() => shapeOf('Add', [1, 4], [[3]])).toThrow(/do not broadcast/);
  });

  it('Concat on the channel axis (NHWC), negative axis too', () => {
    expect(shapeOf('Concat', [1, 4, 4, 3], [], { axis: 3 }, [[1, 4, 4, 5]])).toEqual([1, 4, 4, 8]);
    expect(shapeOf('Concat', [1, 4, 4, 3], [], { axis: -1 }, [[1, 4, 4, 1]])).toEqual([1, 4, 4, 4]);
    expect(shapeOf('Concat', [1, 2, 4, 3], [], { axis: 1 }, [[1, 5, 4, 3]])).toEqual([1, 7, 4, 3]);
    expect(() => shapeOf('Concat', [1, 4, 4, 3], [], { axis: 3 }, [[1, 5, 4, 3]])).toThrow(/does not match/);
  });

  it('unary ops keep the shape', () => {
    for (const op of ['Relu', 'Clip', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Softmax', 'Quantize'] as const) {
      expect(shapeOf(op, [1, 3, 2], [])).toEqual([1, 3, 2]);
    }
  });

  it('Reshape resolves one -1 and rejects a wrong element count', () => {
    expect(shapeOf('Reshape', [1, 7, 7, 16], [], { shape: [1, -1] })).toEqual([1, 784]);
    expect(shapeOf('Reshape', [1, 784], [], { shape: [1, 28, 28, 1] })).toEqual([1, 28, 28, 1]);
    expect(() => shapeOf('Reshape', [1, 10], [], { shape: [3, -1] })).toThrow(/cannot reshape \[1,10\]/);
    expect(() => shapeOf('Reshape', [1, 10], [], { shape: [-1, -1] })).toThrow(/cannot reshape/);
  });

  it('Transpose permutes dims and rejects a non-permutation', () => {
    expect(shapeOf('Transpose', [1, 2, 3, 4], [], { perm: [0, 3, 1, 2] })).toEqual([1, 4, 2, 3]);
    expect(() => shapeOf('Transpose', [1, 2, 3], [], { perm: [0, 0, 1] })).toThrow(/not a permutation/);
  });

  it('Pad adds begins and ends (ONNX order)', () => {
    expect(shapeOf('Pad', [1, 4, 4, 3], [], { pads: [0, 1, 2, 0, 0, 3, 4, 0] })).toEqual([1, 8, 10, 3]);
    expect(() => shapeOf('Pad', [1, 4], [], { pads: [1, 1] })).toThrow(/pads must be 4/);
  });

  it('BatchNormalization checks its per-channel params', () => {
    expect(shapeOf('BatchNormalization', [1, 4, 4, 3], [[3], [3], [3], [3]])).toEqual([1, 4, 4, 3]);
    expect(() => shapeOf('BatchNormalization', [1, 4, 4, 3], [[3], [3], [4], [3]])).toThrow(/mean must be \[3\]/);
  });

  it('Quantize makes i8 and Dequantize f32; given dtype and quant are kept', () => {
    const b = new GraphBuilder('q');
    const x = b.input('x', [1, 4]);
    const q = b.node('Quantize', [x], {}, { name: 'xq', quant: { scale: [0.5], zeroPoint: [-3] } });
    const d = b.node('Dequantize', [q]);
    b.output(d);
    const g = b.build();
    expect(g.tensors.xq).toMatchObject({ dtype: 'i8', shape: [1, 4], quant: { scale: [0.5], zeroPoint: [-3] } });
    expect(g.tensors[d]).toMatchObject({ dtype: 'f32', shape: [1, 4] });
  });

  it('GRU and LSTM give every step [T,B,H] or the last one [1,B,H], and name a weight of the wrong gate count', () => {
    expect(
      shapeOf(
        'GRU',
        [5, 2, 4],
        [
          [9, 4],
          [9, 3],
        ],
        { hiddenSize: 3 },
      ),
    ).toEqual([5, 2, 3]);
    expect(shapeOf('LSTM', [5, 2, 4], [[12, 4], [12, 3], [24]], { hiddenSize: 3, sequenceOutput: false })).toEqual([1, 2, 3]);
    const e = errorOf(() =>
      shapeOf(
        'LSTM',
        [5, 1, 4],
        [
          [9, 4],
          [9, 3],
        ],
        { hiddenSize: 3 },
      ),
    );
    expect(e.diagnostic.notes?.join('\n')).toContain('weights W must be [12,4] (4 gates × hidden 3, input 4), got [9,4]');
  });

  it('Conv2D reports channel and groups mismatches naming the node', () => {
    const e = errorOf(() => shapeOf('Conv2D', [1, 8, 8, 3], [[4, 3, 3, 2]], { groups: 2 }));
    expect(e.code).toBe('invalid-model');
    expect(e.diagnostic.notes!.join('\n')).toMatch(/node "conv2d_0" \(Conv2D\): input channels 3 are not divisible by groups 2/);
    expect(e.diagnostic.notes!.join('\n')).toMatch(/weights \[4,3,3,2\] expect 4 input channels/);
    expect(() => shapeOf('Conv2D', [1, 2, 2, 1], [[1, 3, 3, 1]])).toThrow(/larger than the padded input 2x2/);
  });

  it('collects every failing node instead of stopping at the first', () => {
    const b = new GraphBuilder('two-bad');
    const x = b.input('x', [1, 4]);
    const w = b.constant('w', zeros([3, 5]), [3, 5]);
    b.node('Dense', [x, w], {}, 'd1');
    b.node('Transpose', [x], { perm: [1] }, 't1');
    const e = errorOf(() => b.build());
    expect(e.diagnostic.notes).toHaveLength(2);
    expect(e.message).toBe('2 problems in model "two-bad"');
  });
});
