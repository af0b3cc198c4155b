// simplify (src/ir/optimize.ts): each rewrite fires where legal, is skipped where not, and never changes results (1e-5).
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/ir/graph.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { simplify } from '../../src/ir/optimize.ts';
import { validateGraph } from '../../src/ir/validate.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { randn } from './onnx-fixtures.ts';

function sameResults(g: Graph, seed = 1): Graph {
  const before = JSON.stringify(g, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v));
  const s = simplify(g);
  validateGraph(s);
  expect(JSON.stringify(g, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v))).toBe(before); // input untouched
  const inputs = Object.fromEntries(
    g.inputs.map((n, i) => [
      n,
      randn(
        g.tensors[n].shape.reduce((a, b) => a * b, 1),
        seed + i,
        2,
      ),
    ]),
  );
  const a = runGraph(g, inputs).outputs;
  const b = runGraph(s, inputs).outputs;
  for (const o of g.outputs) expect(compare(b[o], a[o]), o).toBeUndefined();
  return s;
}

function bnConsts(b: GraphBuilder, c: number, seed: number): string[] {
  return ['gamma', 'beta', 'mean', 'var'].map((n, i) =>
    b.constant(
      `${n}${seed}`,
      randn(c, seed + i, 0.5).map((v) => (i === 3 ? Math.abs(v) + 0.3 : i === 0 ? v + 1 : v)),
      [c],
    ),
  );
}

const ops = (g: Graph) => g.nodes.map((n) => n.op);

describe('simplify', () => {
  it('folds BN into Conv2D, DepthwiseConv2D and Dense (with and without bias) and fuses Relu / Clip(0,6)', () => {
    const b = new GraphBuilder('fold');
    const x = b.input('x', [1, 5, 5, 3]);
    const c = b.node('Conv2D', [x, b.constant('w', randn(4 * 9 * 3, 1, 0.5), [4, 3, 3, 3])], { pads: [1, 1, 1, 1] });
    const r = b.node('Relu', [b.node('BatchNormalization', [c, ...bnConsts(b, 4, 10)], { epsilon: 1e-3 })]);
    const d = b.node('DepthwiseConv2D', [r, b.constant('dw', randn(9 * 8, 2, 0.5), [1, 3, 3, 8]), b.constant('db', randn(8, 3), [8])], {
      multiplier: 2,
    });
    const r6 = b.node('Clip', [b.node('BatchNormalization', [d, ...bnConsts(b, 8, 20)], { epsilon: 1e-5 })], { min: 0, max: 6 });
    const f = b.node('Reshape', [r6], { shape: [1, -1] });
    const fc = b.node('Dense', [f, b.constant('fw', randn(3 * 72, 4, 0.2), [3, 72])]);
    b.output(b.node('BatchNormalization', [fc, ...bnConsts(b, 3, 30)], { epsilon: 1e-5 }));
    const s = sameResults(b.build());
    expect(ops(s)).toEqual(['Conv2D', 'DepthwiseConv2D', 'Reshape', 'Dense']);
    expect(s.nodes.map((n) => (n.attrs as { activation?: string }).activation)).toEqual(['relu', 'relu6', undefined, 'none']);
  });

  it('keeps BN and activations whose producer has another reader, or is a graph output, or already has an activation', () => {
    const b = new GraphBuilder('keep');
    const x = b.input('x', [1, 4, 4, 2]);
    const c = b.node('Conv2D', [x, b.constant('w', randn(2 * 2, 1), [2, 1, 1, 2])], { activation: 'relu6' });
    const bn = b.node('BatchNormalization', [c, ...bnConsts(b, 2, 5)]); // after an activation: not foldable
    const a = b.node('Add', [bn, x]);
    const relu = b.node('Relu', [a]);
    b.output(relu);
    b.output(a); // Add's output is read outside: Relu must stay
    const clip = b.node('Clip', [b.node('Mul', [x, x])], { min: 0, max: 5 }); // not relu6
    b.output(clip);
    const s = sameResults(b.build());
    expect(ops(s)).toEqual(['Conv2D', 'BatchNormalization', 'Add', 'Relu', 'Mul', 'Clip']);
  });

  it('folds the NHWC→NCHW transpose before flatten into the Dense weights, only when the flatten feeds just that Dense', () => {
    const build = (extraReader: boolean) => {
      const b = new GraphBuilder('flat');
      const x = b.input('x', [1, 3, 2, 4]);
      const t = b.node('Transpose', [x], { perm: [0, 3, 1, 2] });
      const f = b.node('Reshape', [t], { shape: [1, 24] });
      b.output(b.node('Dense', [f, b.constant('w', randn(5 * 24, 7, 0.3), [5, 24]), b.constant('b', randn(5, 8), [5])]));
      if (extraReader) b.output(b.node('Sigmoid', [f]));
      return b.build();
    };
    expect(ops(sameResults(build(false)))).toEqual(['Reshape', 'Dense']);
    // A pruning mask moves with its weights: pruned (zero) weights stay exactly where the mask says 0.
    const g = build(false);
    const w = g.tensors.w;
    w.mask = Uint8Array.from(w.data!, (_, i) => (i % 3 === 0 ? 0 : 1));
    w.data = Float32Array.from(w.data!, (v, i) => (w.mask![i] ? v : 0));
    const s = sameResults(g);
    const ws = s.tensors[s.nodes[1].inputs[1]];
    expect(Array.from(ws.data!).every((v, i) => (ws.mask![i] === 0) === (v === 0))).toBe(true);
    expect(Array.from(ws.mask!)).not.toEqual(Array.from(w.mask));
    expect(ops(sameResults(build(true)))).toEqual(['Transpose', 'Reshape', 'Dense', 'Sigmoid']);
  });

  it('fuses Relu into pools, Add and Mul: every op whose OpDef has a fused activation (the one pass PTQ runs too)', () => {
    const b = new GraphBuilder('pools');
    const x = b.input('x', [1, 4, 4, 2]);
    const mp = b.node('Relu', [b.node('MaxPool', [x], { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] })]);
    const ap = b.node('Relu', [
      b.node('AveragePool', [x], { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], countIncludePad: false }),
    ]);
    const sum = b.node('Relu', [b.node('Add', [mp, ap])]);
    b.output(b.node('Relu', [b.node('Mul', [sum, sum])]));
    expect(ops(sameResults(b.build()))).toEqual(['MaxPool', 'AveragePool', 'Add', 'Mul']);
  });

  it('copies a weight shared by two layers instead of folding BN into both', () => {
    const b = new GraphBuilder('shared');
    const x = b.input('x', [1, 3, 3, 2]);
    const w = b.constant('w', randn(2 * 2, 1), [2, 1, 1, 2]);
    const c1 = b.node('Conv2D', [x, w]);
    const c2 = b.node('Conv2D', [x, w]);
    b.output(b.node('BatchNormalization', [c1, ...bnConsts(b, 2, 40)]));
    b.output(c2);
    const s = sameResults(b.build());
    expect(ops(s)).toEqual(['Conv2D', 'Conv2D']);
    expect(s.nodes[0].inputs[1]).not.toBe(s.nodes[1].inputs[1]);
  });
});
