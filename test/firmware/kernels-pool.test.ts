// Pool kernels (MaxPool, AveragePool incl. count_include_pad, GlobalAveragePool; float and int8) against the TS reference.
import { describe, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Activation, Graph, OpAttrs, Pads } from '../../src/ir/graph.ts';
import { q } from '../codegen/graphs.ts';
import { checkAgainstReference } from './kernel-check.ts';

type PoolOp = 'MaxPool' | 'AveragePool';

function poolGraph(
  op: PoolOp,
  input: number[],
  kernel: [number, number],
  strides: [number, number],
  pads: Pads,
  o: { int8: boolean; include?: boolean; act?: Activation; zp?: number },
): Graph {
  const b = new GraphBuilder(`${op} k${kernel} s${strides} p${pads} ${o.int8 ? 's8' : 'f32'}`);
  const quant = q(0.07, o.zp ?? -9);
  const x = o.int8 ? b.input('x', input, 'i8', quant) : b.input('x', input);
  const attrs: Partial<OpAttrs['AveragePool']> = {
    kernel,
    strides,
    pads,
    activation: o.act ?? 'none',
    countIncludePad: o.include ?? false,
  };
  b.output(b.node(op, [x], attrs as never, o.int8 ? { name: 'y', dtype: 'i8', quant } : 'y'));
  return b.build();
}

function gapGraph(input: number[], int8: boolean, outScale = 0.03, outZp = 4): Graph {
  const b = new GraphBuilder(`gap ${input} ${int8 ? 's8' : 'f32'}`);
  const x = int8 ? b.input('x', input, 'i8', q(0.05, -20)) : b.input('x', input);
  b.output(b.node('GlobalAveragePool', [x], {}, int8 ? { name: 'y', dtype: 'i8', quant: q(outScale, outZp) } : 'y'));
  return b.build();
}

describe('pool kernels', () => {
  for (const int8 of [false, true]) {
    const t = int8 ? 'int8' : 'float';
    it(`${t} MaxPool: 2x2/2, 3x3/2 with pads, relu6 clamp`, () => {
      checkAgainstReference(poolGraph('MaxPool', [1, 8, 8, 3], [2, 2], [2, 2], [0, 0, 0, 0], { int8 }));
      checkAgainstReference(poolGraph('MaxPool', [2, 7, 6, 2], [3, 3], [2, 2], [1, 1, 1, 1], { int8, act: 'relu6' }));
    });
    it(`${t} AveragePool: valid, padded, count_include_pad, extreme zero point`, () => {
      checkAgainstReference(poolGraph('AveragePool', [1, 6, 6, 4], [2, 2], [2, 2], [0, 0, 0, 0], { int8 }));
      checkAgainstReference(poolGraph('AveragePool', [1, 7, 7, 3], [3, 3], [2, 1], [1, 1, 1, 1], { int8, act: 'relu' }));
      checkAgainstReference(
        poolGraph('AveragePool', [1, 5, 6, 2], [3, 3], [1, 2], [1, 0, 1, 2], { int8, include: true, zp: int8 ? 127 : 0 }),
      );
    });
    it(`${t} GlobalAveragePool`, () => {
      checkAgainstReference(gapGraph([1, 5, 5, 8], int8));
      if (int8) checkAgainstReference(gapGraph([2, 3, 4, 3], true, 0.2, -128), { extra: [new Int8Array(72).fill(127)] });
    });
  }
});
