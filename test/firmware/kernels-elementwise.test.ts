// Element-wise binary kernels (Add/Sub/Mul/Div float, Add/Sub/Mul int8) against the TS reference: same shape, scalar,
// per-channel and general broadcasting (the _bcast kernels with collapsed strides), fused activations, saturation.
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { product } from '../../src/ir/graph.ts';
import { collapseBroadcast } from '../../src/codegen/emit-support.ts';
import { q, randF32, randI8, rng } from '../codegen/graphs.ts';
import { checkAgainstReference } from './kernel-check.ts';

type BinOp = 'Add' | 'Sub' | 'Mul' | 'Div';

/** x (graph input, shape a) op constant (shape b). */
function binGraph(op: BinOp, a: number[], bShape: number[], o: { int8: boolean; act?: 'none' | 'relu' | 'relu6'; swap?: boolean; outScale?: number }): Graph {
  const r = rng(product(a) * 3 + product(bShape));
  const g = new GraphBuilder(`${op} [${a}] [${bShape}] ${o.int8 ? 's8' : 'f32'}`);
  const attrs = op === 'Div' ? {} : { activation: o.act ?? 'none' };
  if (!o.int8) {
    const x = g.input('x', a);
    const c = g.constant('c', op === 'Div' ? randF32(r, product(bShape), 0.5, 2) : randF32(r, product(bShape)), bShape);
    g.output(g.node(op, o.swap ? [c, x] : [x, c], attrs as never, 'y'));
    return g.build();
  }
  const x = g.input('x', a, 'i8', q(0.04, -3));
  const c = g.constant('c', randI8(r, product(bShape)), bShape, q(0.11, 17));
  g.output(g.node(op, o.swap ? [c, x] : [x, c], attrs as never, { name: 'y', dtype: 'i8', quant: q(o.outScale ?? 0.09, -1) }));
  return g.build();
}

describe('element-wise kernels', () => {
  it('collapses broadcasts: same shape → 1-D, per-channel → 2-D, scalar → stride 0', () => {
    const node = { name: 'n', op: 'Add' } as never;
    expect(collapseBroadcast(node, [1, 4, 4, 8], [1, 4, 4, 8], [1, 4, 4, 8])).toEqual({ dims: [128], aStrides: [1], bStrides: [1] });
    expect(collapseBroadcast(node, [1, 4, 4, 8], [8], [1, 4, 4, 8])).toEqual({ dims: [16, 8], aStrides: [8, 1], bStrides: [0, 1] });
    expect(collapseBroadcast(node, [1, 4, 4, 8], [1], [1, 4, 4, 8])).toEqual({ dims: [128], aStrides: [1], bStrides: [0] });
    expect(collapseBroadcast(node, [3, 1, 5], [1, 4, 1], [3, 4, 5])).toEqual({ dims: [3, 4, 5], aStrides: [5, 0, 1], bStrides: [0, 1, 0] });
  });

  for (const op of ['Add', 'Sub', 'Mul', 'Div'] as const) {
    it(`float ${op}: same shape, scalar, per-channel, general broadcast`, () => {
      checkAgainstReference(binGraph(op, [1, 3, 3, 4], [1, 3, 3, 4], { int8: false, act: op === 'Add' ? 'relu' : 'none' }));
      checkAgainstReference(binGraph(op, [1, 3, 3, 4], [1], { int8: false }));
      checkAgainstReference(binGraph(op, [1, 3, 3, 4], [4], { int8: false, swap: true }));
      checkAgainstReference(binGraph(op, [2, 1, 5], [3, 1], { int8: false }));
    });
  }

  for (const op of ['Add', 'Sub', 'Mul'] as const) {
    it(`int8 ${op}: same shape, scalar, per-channel, general broadcast, saturation`, () => {
      const edge = [new Int8Array(36).fill(-128), new Int8Array(36).fill(127)];
      checkAgainstReference(binGraph(op, [1, 3, 3, 4], [1, 3, 3, 4], { int8: true, act: 'relu6' }), { extra: edge });
      checkAgainstReference(binGraph(op, [1, 3, 3, 4], [1], { int8: true, outScale: 0.01 }), { extra: edge });
      checkAgainstReference(binGraph(op, [1, 3, 3, 4], [4], { int8: true, swap: true }));
      checkAgainstReference(binGraph(op, [2, 1, 5], [3, 1], { int8: true }));
    });
  }
});
