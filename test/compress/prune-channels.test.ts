// Structured removal is exact: the pruned graph computes what the original computes with those neurons zeroed
// (reference interpreter), through Flatten (NHWC), Add, Concat, BatchNorm and depthwise layers.
import { describe, expect, it } from 'vitest';
import { analyzeChannels } from '../../src/compress/prune-channel-groups.ts';
import { pruneNeurons } from '../../src/compress/prune-channel-removal.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { cloneGraph, type Graph } from '../../src/ir/graph.ts';
import { validateGraph } from '../../src/ir/validate.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { makeRng } from '../../src/train/prng.ts';
import { cnn } from './prune-fixtures.ts';

const rand = (n: number, seed: number, scale = 0.5) => {
  const r = makeRng(seed);
  return Float32Array.from({ length: n }, () => (r.next() * 2 - 1) * scale);
};
const conv = {
  strides: [1, 1] as [number, number],
  dilations: [1, 1] as [number, number],
  pads: [1, 1, 1, 1] as [number, number, number, number],
  groups: 1,
};

/** conv a (6) ─┬─ BN ─ relu ─ depthwise ─┐
 *  conv b (6) ─┘ (Add)                   ├─ Concat(conv c (4)) ─ conv d (5) ─ flatten ─ dense e (7) ─ dense out (3) */
function branchy(): Graph {
  const b = new GraphBuilder('branchy');
  const x = b.input('x', [1, 5, 5, 2]);
  let s = 1;
  const c = (name: string, inp: string, o: number, i: number, act: 'none' | 'relu' = 'relu') =>
    b.node(
      'Conv2D',
      [inp, b.constant(`${name}.w`, rand(o * 9 * i, s++), [o, 3, 3, i]), b.constant(`${name}.b`, rand(o, s++, 0.1), [o])],
      { ...conv, activation: act },
      name,
    );
  const a = c('a', x, 6, 2);
  const bb = c('b', x, 6, 2);
  let h = b.node('Add', [a, bb], {}, 'add');
  h = b.node(
    'BatchNormalization',
    [
      h,
      b.constant('bn.s', rand(6, s++), [6]),
      b.constant('bn.b', rand(6, s++), [6]),
      b.constant('bn.m', rand(6, s++), [6]),
      b.constant(
        'bn.v',
        Float32Array.from(rand(6, s++), (v) => 1 + Math.abs(v)),
        [6],
      ),
    ],
    { epsilon: 1e-3 },
    'bn',
  );
  h = b.node('Relu', [h], {}, 'relu');
  h = b.node(
    'DepthwiseConv2D',
    [h, b.constant('dw.w', rand(54, s++), [1, 3, 3, 6]), b.constant('dw.b', rand(6, s++, 0.1), [6])],
    { strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1], multiplier: 1, activation: 'relu' },
    'dw',
  );
  const cc = c('c', x, 4, 2);
  h = b.node('Concat', [h, cc], { axis: -1 }, 'cat');
  h = c('d', h, 5, 10);
  h = b.node('Reshape', [h], { shape: [1, 125] }, 'flat');
  h = b.node(
    'Dense',
    [h, b.constant('e.w', rand(7 * 125, s++, 0.2), [7, 125]), b.constant('e.b', rand(7, s++, 0.1), [7])],
    { activation: 'relu' },
    'e',
  );
  b.output(b.node('Dense', [h, b.constant('o.w', rand(21, s++), [3, 7]), b.constant('o.b', rand(3, s++), [3])], {}, 'out'));
  return b.build();
}

/** The original graph with the given output channels forced to zero (weights, bias, and BN/depthwise after them). */
function zeroed(g: Graph, byNode: Record<string, number[]>, follow: Record<string, string[]> = {}): Graph {
  const z = cloneGraph(g);
  for (const [node, idx] of Object.entries(byNode)) {
    const n = z.nodes.find((m) => m.name === node)!;
    const w = z.tensors[n.inputs[1]!]!;
    const per = w.data!.length / w.shape[0]!;
    for (const i of idx) {
      w.data!.fill(0, i * per, (i + 1) * per);
      z.tensors[n.inputs[2]!]!.data![i] = 0;
      for (const t of follow[node] ?? []) z.tensors[t]!.data![i] = 0;
    }
  }
  return z;
}

describe('structured channel removal', () => {
  it('groups: Add couples a and b; concat and flatten carry groups; output layer is frozen', () => {
    const a = analyzeChannels(branchy());
    expect(a.groupOf('a')).toBe(a.groupOf('b'));
    expect(a.prunable().map((g) => g.sources.sort())).toEqual([['a', 'b'], ['c'], ['d'], ['e']]);
    expect(a.groups[a.groupOf('out')!]!.frozen).toMatch(/graph output/);
  });

  it('pruned graph equals the original with those channels zeroed (exact, reference interpreter)', () => {
    const g = branchy();
    const x = rand(50, 99, 1);
    const cut = { a: [1, 4], c: [0, 3], d: [2], e: [5] };
    const p = pruneNeurons(g, cut);
    validateGraph(p);
    expect(p.tensors['a.w']!.shape).toEqual([4, 3, 3, 2]);
    expect(p.tensors['b.w']!.shape).toEqual([4, 3, 3, 2]); // coupled through Add
    expect(p.tensors['bn.s']!.shape).toEqual([4]);
    expect(p.tensors['dw.w']!.shape).toEqual([1, 3, 3, 4]);
    expect(p.tensors['d.w']!.shape).toEqual([4, 3, 3, 6]); // 4 from the add branch + 2 from c
    expect(p.tensors['e.w']!.shape).toEqual([6, 100]); // 25 positions × 4 channels
    expect(p.tensors['o.w']!.shape).toEqual([3, 6]);
    // Zero a/b rows and the BN scale/bias + depthwise bias so the removed channels are exactly 0 downstream.
    const z = zeroed(g, { a: [1, 4], b: [1, 4], c: [0, 3], d: [2], e: [5] }, { a: ['bn.s', 'bn.b', 'dw.b'] });
    const want = runGraph(z, { x }).outputs.out!;
    const got = runGraph(p, { x }).outputs.out!;
    expect(Array.from(got)).toEqual(Array.from(want));
    // Sanity: zeroing changed the result, so the comparison is not vacuous.
    expect(Array.from(runGraph(g, { x }).outputs.out!)).not.toEqual(Array.from(want));
  });

  it('Flatten after conv maps channel c to inputs h*W*C + w*C + c', () => {
    const g = cnn(5, 4, 6);
    const p = pruneNeurons(g, { conv2: [1, 4] });
    const before = g.tensors['fc.w']!.data!;
    const after = p.tensors['fc.w']!.data!;
    expect(p.tensors['fc.w']!.shape).toEqual([10, 49 * 4]);
    const keptC = [0, 2, 3, 5];
    for (const row of [0, 9])
      for (const pos of [0, 17, 48]) keptC.forEach((c, j) => expect(after[row * 196 + pos * 4 + j]).toBe(before[row * 294 + pos * 6 + c]));
    validateGraph(p);
  });

  it('refuses pruning to zero width and frozen layers', () => {
    const g = cnn(5, 4, 6);
    expect(() => pruneNeurons(g, { conv1: [0, 1, 2, 3] })).toThrowError(expect.objectContaining({ code: 'prune-to-zero' }));
    expect(() => pruneNeurons(g, { logits: [0] })).toThrowError(expect.objectContaining({ code: 'not-prunable' }));
  });
});
