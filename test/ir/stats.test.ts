// graphStats: parameter, MAC and stored-byte counts against hand-computed figures.
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { cloneGraph } from '../../src/ir/graph.ts';
import { graphStats, storedBytes } from '../../src/ir/stats.ts';

const zeros = (n: number) => new Float32Array(n);

function lenet300(): Graph {
  const b = new GraphBuilder('lenet-300-100');
  let h = b.input('x', [1, 784]);
  let prev = 784;
  for (const [i, units] of [300, 100, 10].entries()) {
    const w = b.constant(`fc${i}.w`, zeros(units * prev), [units, prev]);
    const bias = b.constant(`fc${i}.b`, zeros(units), [units]);
    h = b.node('Dense', [h, w, bias], { activation: i < 2 ? 'relu' : 'none' }, `fc${i}`);
    prev = units;
  }
  b.output(b.node('Softmax', [h]));
  return b.build();
}

describe('graphStats', () => {
  it('LeNet-300-100 has 266,610 params and as many MACs as weights', () => {
    const s = graphStats(lenet300());
    expect(s.totals.params).toBe(266_610);
    expect(s.totals.macs).toBe(784 * 300 + 300 * 100 + 100 * 10);
    expect(s.totals.bytes).toBe(266_610 * 4);
    expect(s.layers.map((l) => [l.node, l.op, l.params])).toEqual([
      ['fc0', 'Dense', 235_500],
      ['fc1', 'Dense', 30_100],
      ['fc2', 'Dense', 1_010],
      ['softmax_0', 'Softmax', 0],
    ]);
    expect(s.layers[0]).toMatchObject({ inputShape: [1, 784], outputShape: [1, 300] });
  });

  it('conv, grouped conv and depthwise MACs', () => {
    const b = new GraphBuilder('convs');
    const x = b.input('x', [1, 32, 32, 3]);
    // 16×3×3×3 conv, pads 1: 32·32·16·3·3·3 = 442,368 MACs
    const c1 = b.node(
      'Conv2D',
      [x, b.constant('w1', zeros(16 * 27), [16, 3, 3, 3]), b.constant('b1', zeros(16), [16])],
      { pads: [1, 1, 1, 1] },
      'c1',
    );
    // groups 4, stride 2, 1×1: out 16×16×8, I/groups = 4 → 16·16·8·4 = 8,192
    const c2 = b.node('Conv2D', [c1, b.constant('w2', zeros(8 * 4), [8, 1, 1, 4])], { groups: 4, strides: [2, 2] }, 'c2');
    // depthwise 3×3, multiplier 2, valid: out 14×14×16 → 14·14·16·9 = 28,224
    const d = b.node('DepthwiseConv2D', [c2, b.constant('wd', zeros(9 * 16), [1, 3, 3, 16])], { multiplier: 2 }, 'dw');
    b.output(b.node('Add', [d, d], {}, 'sum'));
    const s = graphStats(b.build());
    expect(s.layers.map((l) => l.macs)).toEqual([442_368, 8_192, 28_224, 0]);
    expect(s.layers.map((l) => l.params)).toEqual([16 * 27 + 16, 32, 144, 0]);
    expect(s.totals.macs).toBe(442_368 + 8_192 + 28_224);
  });

  it('bytes follow the storage choice', () => {
    const g = cloneGraph(lenet300());
    const w = g.tensors['fc0.w']; // 235,200 elements
    expect(storedBytes(w)).toBe(940_800);
    expect(storedBytes({ ...w, storage: { kind: 'f16' } })).toBe(470_400);
    expect(storedBytes({ ...w, dtype: 'i8', storage: { kind: 'int4' } })).toBe(117_600);
    expect(storedBytes({ ...w, storage: { kind: 'binary', alpha: new Array(300).fill(0.1) } })).toBe(29_400 + 1_200);
    const indices = new Uint8Array(235_200).map((_, i) => i % 16);
    // 16 clusters → 4 bits per index + 16 float32 codebook entries
    expect(storedBytes({ ...w, storage: { kind: 'clustered', codebook: new Array(16).fill(0), indices, huffman: false } })).toBe(
      117_600 + 64,
    );
    // Huffman of a skewed distribution: 3/4 zeros, 1/4 ones → 1 bit each
    const skewed = new Uint8Array(800).map((_, i) => (i % 4 === 0 ? 1 : 0));
    expect(
      storedBytes({ ...w, shape: [800], storage: { kind: 'clustered', codebook: [0, 1, 2, 3], indices: skewed, huffman: true } }),
    ).toBe(100 + 16);
    g.tensors['fc0.w'] = { ...w, storage: { kind: 'f16' } };
    expect(graphStats(g).totals.bytes).toBe(266_610 * 4 - 470_400);
  });
});
