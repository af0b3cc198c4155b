// Element-wise binary kernels (Add/Sub/Mul/Div float, Add/Sub/Mul int8) against the TS reference: same shape, scalar,
// per-channel and general broadcasting (the _bcast kernels with collapsed strides), fused activations, saturation.
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { product } from '../../src/ir/graph.ts';
import { collapseBroadcast } from '../../src/codegen/emit-support.ts';
import { q, randF32, randI8, rng } from '../codegen/graphs.ts';
import { checkAgainstReference, VARIANTS } from './kernel-check.ts';

type BinOp = 'Add' | 'Sub' | 'Mul' | 'Div';

/** One chain per op and dtype, so one compile covers every broadcast kind (each layer is checked through the hook):
 *  x[1,3,3,4] op same-shape const → op scalar → const op per-channel (operands swapped) → op general [3,3,1] broadcast. */
function chainGraph(op: BinOp, int8: boolean, o: { act?: 'none' | 'relu' | 'relu6'; outScale?: number } = {}): Graph {
  const r = rng(op.length * 17 + (int8 ? 1 : 0));
  const g = new GraphBuilder(`${op} chain ${int8 ? 's8' : 'f32'}`);
  const attrs = op === 'Div' ? {} : { activation: o.act ?? 'none' };
  const shapes = [[1, 3, 3, 4], [1], [4], [3, 3, 1]];
  let h = int8 ? g.input('x', [1, 3, 3, 4], 'i8', q(0.04, -3)) : g.input('x', [1, 3, 3, 4]);
  shapes.forEach((shape, k) => {
    const n = product(shape);
    const c = int8
      ? g.constant(`c${k}`, randI8(r, n), shape, q(0.11, 17))
      : g.constant(`c${k}`, op === 'Div' ? randF32(r, n, 0.5, 2) : randF32(r, n), shape);
    const inputs = k === 2 ? [c, h] : [h, c];
    h = g.node(
      op,
      inputs,
      attrs as never,
      int8 ? { name: `y${k}`, dtype: 'i8', quant: q(k === 1 ? (o.outScale ?? 0.09) : 0.09, -1 + k) } : `y${k}`,
    );
  });
  g.output(h);
  return g.build();
}

/** x (graph input, shape a) op constant (shape b), for the broadcast of the input itself. */
function binGraph(op: BinOp, a: number[], bShape: number[], int8: boolean): Graph {
  const r = rng(product(a) * 3 + product(bShape));
  const g = new GraphBuilder(`${op} [${a}] [${bShape}] ${int8 ? 's8' : 'f32'}`);
  const attrs = op === 'Div' ? {} : { activation: 'none' };
  const x = int8 ? g.input('x', a, 'i8', q(0.04, -3)) : g.input('x', a);
  const c = int8
    ? g.constant('c', randI8(r, product(bShape)), bShape, q(0.11, 17))
    : g.constant('c', randF32(r, product(bShape), 0.5, 2), bShape);
  g.output(g.node(op, [x, c], attrs as never, int8 ? { name: 'y', dtype: 'i8', quant: q(0.09, -1) } : 'y'));
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
    it(`float ${op}: same shape, scalar, per-channel (swapped), general broadcast — every layer`, () => {
      checkAgainstReference(chainGraph(op, false, { act: op === 'Add' ? 'relu' : 'none' }), { layers: true });
    });
  }

  for (const op of ['Add', 'Sub', 'Mul'] as const) {
    it(`int8 ${op}: same shape, scalar, per-channel, general broadcast, saturation — every layer`, () => {
      const edge = [new Int8Array(36).fill(-128), new Int8Array(36).fill(127)];
      checkAgainstReference(chainGraph(op, true, { act: 'relu6', outScale: 0.01 }), { extra: edge, layers: true });
    });
  }

  it('int8 Add on DSP boards (tfg_add_s8_dsp): either input the wider scale (zero shift), relu, extreme zero points, tiny output scale — every variant', () => {
    // Residual-style: y = x + x1 where x1 = x + const, so both operands are activations of the same shape.
    const cases: { sa: number; sb: number; zpa: number; zpb: number; so: number; zpo: number; act: 'none' | 'relu' }[] = [
      { sa: 0.04, sb: 0.11, zpa: -3, zpb: 17, so: 0.09, zpo: -1, act: 'none' },
      { sa: 0.2, sb: 0.05, zpa: -128, zpb: 127, so: 0.15, zpo: -128, act: 'relu' },
      { sa: 0.08, sb: 0.08, zpa: 5, zpb: -5, so: 3e-7, zpo: 0, act: 'none' }, // output shift 0: every output saturates
    ];
    cases.forEach((c, k) => {
      const r = rng(41 + k);
      const g = new GraphBuilder(`dsp add ${k}`);
      const x = g.input('x', [1, 5, 3, 4], 'i8', q(c.sa, c.zpa));
      const cst = g.constant('c', randI8(r, 60), [1, 5, 3, 4], q(0.07, 9));
      const x1 = g.node('Add', [x, cst], { activation: 'none' }, { name: 'x1', dtype: 'i8', quant: q(c.sb, c.zpb) });
      g.output(g.node('Add', [x, x1], { activation: c.act }, { name: 'y', dtype: 'i8', quant: q(c.so, c.zpo) }));
      const edge = [new Int8Array(60).fill(-128), new Int8Array(60).fill(127)];
      checkAgainstReference(g.build(), {
        variants: VARIANTS,
        extra: edge,
        layers: true,
        expectKernels: { reference: ['tfg_add_s8'], 'cortex-m-dsp': ['tfg_add_s8_dsp'] },
      });
    });
  });

  it('broadcasting the graph input itself (input [2,1,5] against a [3,1] constant), float and int8', () => {
    checkAgainstReference(binGraph('Div', [2, 1, 5], [3, 1], false));
    checkAgainstReference(binGraph('Add', [2, 1, 5], [3, 1], true));
  });
});
