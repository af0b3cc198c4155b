// Dense kernels (float, int8 reference, int8 DSP and MLA) against the TS reference: odd sizes (DSP tails), batch > 1,
// no bias, zero points at the extremes, saturation, relu6.
import { describe, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Activation, Graph } from '../../src/ir/graph.ts';
import { int8Mlp, q, qAxis, randF32, randI32, randI8, rng } from '../codegen/graphs.ts';
import { checkAgainstReference, VARIANTS } from './kernel-check.ts';

function denseGraph(
  name: string,
  batch: number,
  inN: number,
  outN: number,
  o: {
    int8: boolean;
    bias?: boolean;
    act?: Activation;
    inZp?: number;
    outZp?: number;
    outScale?: number;
    hugeBias?: boolean;
    perTensor?: boolean;
  },
): Graph {
  const r = rng(inN * 7 + outN);
  const b = new GraphBuilder(`dense ${name} ${o.int8 ? 's8' : 'f32'}`);
  if (!o.int8) {
    const x = b.input('x', [batch, inN]);
    const w = b.constant('w', randF32(r, inN * outN, -0.3, 0.3), [outN, inN]);
    const bias = o.bias === false ? '' : b.constant('b', randF32(r, outN, -0.2, 0.2), [outN]);
    b.output(b.node('Dense', [x, w, bias], { activation: o.act ?? 'none' }, 'y'));
    return b.build();
  }
  const inScale = 0.03;
  const x = b.input('x', [batch, inN], 'i8', q(inScale, o.inZp ?? -2));
  const ws = Array.from({ length: outN }, () => 0.001 + 0.01 * r()).map((s, _, all) => (o.perTensor ? all[0] : s));
  const wData = randI8(r, inN * outN, -127, 127);
  const bData = randI32(r, outN, -5000, 5000);
  if (o.hugeBias) {
    // a dead row (zero weights, bias 2^30, as in VWW) and a row near 2^30: the general requantization path
    wData.fill(0, 0, inN);
    bData[0] = 2 ** 30;
    bData[1] = 2 ** 30 - 2000;
  }
  const w = b.constant('w', wData, [outN, inN], qAxis(ws, 0));
  const bias =
    o.bias === false
      ? ''
      : b.constant('b', bData, [outN], { scale: ws.map((s) => Math.fround(s * inScale)), zeroPoint: ws.map(() => 0), axis: 0 }, 'i32');
  b.output(
    b.node('Dense', [x, w, bias], { activation: o.act ?? 'none' }, { name: 'y', dtype: 'i8', quant: q(o.outScale ?? 0.1, o.outZp ?? 5) }),
  );
  return b.build();
}

const S8 = {
  variants: [...VARIANTS, 'cortex-m-mla'],
  expectKernels: { reference: ['tfg_dense_s8'], 'cortex-m-dsp': ['tfg_dense_s8_dsp'], 'cortex-m-mla': ['tfg_dense_s8_mla'] },
};

describe('dense kernels', () => {
  it('float: relu, batch 2, no bias, odd sizes', () => {
    checkAgainstReference(denseGraph('relu', 1, 33, 10, { int8: false, act: 'relu' }));
    checkAgainstReference(denseGraph('batch2 nobias', 2, 17, 5, { int8: false, bias: false, act: 'relu6' }));
  });

  it('int8: multiple-of-4 and odd input sizes, odd output count (DSP tails), every variant', () => {
    checkAgainstReference(denseGraph('aligned', 1, 64, 8, { int8: true, act: 'relu' }), S8);
    checkAgainstReference(denseGraph('odd', 1, 37, 7, { int8: true }), S8);
    checkAgainstReference(denseGraph('tiny', 3, 3, 2, { int8: true, bias: false }), S8);
    checkAgainstReference(denseGraph('bias 2^30', 1, 24, 6, { int8: true, hugeBias: true, outScale: 10000 }), S8);
  });

  it('int8: zero points at the extremes and saturating outputs, every variant', () => {
    const edge = [new Int8Array(45).fill(-128), new Int8Array(45).fill(127)];
    checkAgainstReference(denseGraph('zp -128', 1, 45, 6, { int8: true, inZp: -128, outZp: 127 }), { ...S8, extra: edge });
    checkAgainstReference(
      denseGraph('zp 127 saturating', 1, 45, 6, { int8: true, inZp: 127, outZp: -128, outScale: 0.0004, act: 'relu6' }),
      { ...S8, extra: edge },
    );
  });

  it('int8 per-tensor: tfg_dense_s8_tensor_dsp on the DSP set, tails, batch, clamps and zero points', () => {
    const T = { variants: VARIANTS, expectKernels: { reference: ['tfg_dense_s8'], 'cortex-m-dsp': ['tfg_dense_s8_tensor_dsp'] } };
    const edge = [new Int8Array(45).fill(-128), new Int8Array(45).fill(127)];
    checkAgainstReference(denseGraph('pt aligned', 1, 64, 8, { int8: true, act: 'relu', perTensor: true }), T);
    checkAgainstReference(denseGraph('pt odd', 1, 37, 7, { int8: true, perTensor: true }), T);
    checkAgainstReference(denseGraph('pt tiny batch 3', 3, 3, 1, { int8: true, bias: false, perTensor: true }), T);
    checkAgainstReference(denseGraph('pt zp -128', 1, 45, 6, { int8: true, inZp: -128, outZp: 127, perTensor: true }), {
      ...T,
      extra: edge,
    });
    checkAgainstReference(
      denseGraph('pt saturating relu6', 2, 45, 10, { int8: true, inZp: 127, outZp: -128, outScale: 0.0004, act: 'relu6', perTensor: true }),
      { ...T, extra: edge.map((e) => new Int8Array(90).fill(e[0])) },
    );
    // A row whose accumulator SMMULR cannot take keeps the per-row kernel with its general path.
    checkAgainstReference(denseGraph('pt bias 2^30', 1, 24, 6, { int8: true, hugeBias: true, outScale: 10000, perTensor: true }), S8);
    checkAgainstReference(int8Mlp([640, 128, 8, 128, 10], 4, 'relu', true), { ...T, samples: 3 });
  });

  it('int8 LeNet-300-100 shaped MLP with softmax, every variant', () => {
    checkAgainstReference(int8Mlp([784, 300, 100, 10], 5), { ...S8, samples: 5 });
  });
});
