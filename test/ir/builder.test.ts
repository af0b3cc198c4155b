// GraphBuilder: defaults, dtypes, names and the graph it builds.
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Node } from '../../src/ir/graph.ts';
import { validateGraph } from '../../src/ir/validate.ts';

describe('GraphBuilder', () => {
  it('fills attribute defaults and generated names, and the result validates', () => {
    const b = new GraphBuilder('tiny');
    const x = b.input('x', [1, 6, 6, 1]);
    const w = b.constant('w', [1, 2, 3, 4], [1, 2, 2, 1]);
    const c = b.node('Conv2D', [x, w], { strides: [2, 2] });
    const p = b.node('AveragePool', [c], { kernel: [3, 3], strides: [1, 1] }, { name: 'pooled', node: 'pool' });
    b.output(p).metadata({ labels: ['a'] });
    const g = b.build();
    const conv = g.nodes[0] as Node<'Conv2D'>;
    expect(conv).toMatchObject({ name: 'conv2d_0', op: 'Conv2D', inputs: ['x', 'w'], outputs: ['conv2d_0'] });
    expect(conv.attrs).toEqual({ strides: [2, 2], dilations: [1, 1], pads: [0, 0, 0, 0], groups: 1, activation: 'none' });
    expect(g.nodes[1]).toMatchObject({ name: 'pool', outputs: ['pooled'] });
    expect(g.tensors.w).toMatchObject({ dtype: 'f32', shape: [1, 2, 2, 1] });
    expect(g.tensors.w.data).toBeInstanceOf(Float32Array);
    expect(g.tensors.pooled.shape).toEqual([1, 1, 1, 1]);
    expect(g.metadata.labels).toEqual(['a']);
    expect(() => validateGraph(g)).not.toThrow();
  });

  it('keeps typed-array dtypes and an explicit output dtype/quant', () => {
    const b = new GraphBuilder('int8');
    const x = b.input('x', [1, 4], 'i8', { scale: [0.1], zeroPoint: [0] });
    const w = b.constant('w', new Int8Array(8), [2, 4], { scale: [0.01, 0.02], zeroPoint: [0, 0], axis: 0 });
    const bias = b.constant('b', [5, -5], [2], undefined, 'i32');
    const y = b.node('Dense', [x, w, bias], {}, { name: 'y', quant: { scale: [0.2], zeroPoint: [3] } });
    const g = b.output(y).build();
    expect(g.tensors.w.dtype).toBe('i8');
    expect(g.tensors.b.data).toEqual(Int32Array.from([5, -5]));
    expect(g.tensors.y).toMatchObject({ dtype: 'i8', shape: [1, 2], quant: { scale: [0.2], zeroPoint: [3] } });
  });

  it('rejects a constant whose data does not fit its shape, and duplicate names', () => {
    const b = new GraphBuilder();
    expect(() => b.constant('w', [1, 2, 3], [2, 2])).toThrow(/has 3 values but shape \[2,2\] needs 4/);
    b.input('x', [1]);
    expect(() => b.input('x', [1])).toThrow(/defined twice/);
  });
});
