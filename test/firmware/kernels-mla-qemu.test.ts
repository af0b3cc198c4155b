// The MLA kernels of cores without the DSP extension on an emulated Cortex-M3 (QEMU mps2-an385) and Cortex-M0 (ARMv6-M
// code on the same machine): bit-exact with the TS reference (so with the reference C kernels), the convs under half
// the reference kernels' instructions.
import { describe, expect, it } from 'vitest';
import { generateModel } from '../../src/codegen/generate.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { ConvAttrs, Graph } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { int8Mlp, q, qAxis, randI32, randI8, rng } from '../codegen/graphs.ts';
import { fewChannelChain, fewChannelKws } from './few-channel-graphs.ts';
import { randomInputs } from './kernel-check.ts';
import { INSTRUCTIONS_PER_TICK, runOnQemu } from './qemu/qemu-run.ts';

const bytes = (d: ArrayBufferView) => new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/** An int8 chain over the MLA GEMM kernels' paths: 3×3 padded from 3 channels (K = 27, an odd group count; the
 *  few-channel kernel), 3×3
 *  dilated and strided, 1×1 with odd channels at stride 2 (a last pixel block of one pixel), ReLU and ReLU6. */
function int8Chain(): Graph {
  const r = rng(41);
  const b = new GraphBuilder('int8 mla chain');
  let scale = 0.05;
  let h = b.input('x', [1, 11, 9, 3], 'i8', q(scale, 6));
  let c = 3;
  const conv = (name: string, outC: number, k: number, attrs: Partial<ConvAttrs>) => {
    const ws = Array.from({ length: outC }, () => 0.003 + 0.01 * r());
    const w = b.constant(`${name}.w`, randI8(r, outC * k * k * c, -127, 127), [outC, k, k, c], qAxis(ws, 0));
    const bias = b.constant(
      `${name}.b`,
      randI32(r, outC, -2000, 2000),
      [outC],
      { scale: ws.map((s) => Math.fround(s * scale)), zeroPoint: ws.map(() => 0), axis: 0 },
      'i32',
    );
    const outScale = 0.04 + 0.05 * r();
    h = b.node('Conv2D', [h, w, bias], { groups: 1, ...attrs }, { name, dtype: 'i8', quant: q(outScale, -20) });
    scale = Math.fround(outScale);
    c = outC;
  };
  conv('c1', 12, 3, { pads: [1, 1, 1, 1], activation: 'relu' });
  conv('c2', 16, 3, { strides: [2, 1], dilations: [2, 2], pads: [2, 1, 0, 2], activation: 'relu6' });
  conv('p1', 7, 1, { strides: [2, 2] });
  b.output(h);
  return b.build();
}

/** A DS-CNN-style int8 chain over the MLA depthwise kernel's paths: 3×3 same (the unrolled block) on 10 channels (a
 *  partial last group), 3×3 stride 2 with asymmetric pads, 2×3 (the general tap loop), each followed by a 1×1 GEMM. */
function int8DsChain(): Graph {
  const r = rng(43);
  const b = new GraphBuilder('int8 mla ds chain');
  let scale = 0.05;
  let h = b.input('x', [1, 9, 7, 10], 'i8', q(scale, -9));
  let c = 10;
  const layer = (name: string, op: 'Conv2D' | 'DepthwiseConv2D', outC: number, k: [number, number], attrs: object) => {
    const ws = Array.from({ length: outC }, () => 0.003 + 0.01 * r());
    const shape = op === 'Conv2D' ? [outC, k[0], k[1], c] : [1, k[0], k[1], outC];
    const count = shape.reduce((a, d) => a * d, 1);
    const w = b.constant(`${name}.w`, randI8(r, count, -127, 127), shape, qAxis(ws, op === 'Conv2D' ? 0 : 3));
    const bias = b.constant(
      `${name}.b`,
      randI32(r, outC, -2000, 2000),
      [outC],
      { scale: ws.map((s) => Math.fround(s * scale)), zeroPoint: ws.map(() => 0), axis: 0 },
      'i32',
    );
    const outScale = 0.04 + 0.05 * r();
    const full = op === 'Conv2D' ? { groups: 1, ...attrs } : { dilations: [1, 1], multiplier: 1, ...attrs };
    h = b.node(op, [h, w, bias], full as never, { name, dtype: 'i8', quant: q(outScale, 11) });
    scale = Math.fround(outScale);
    c = outC;
  };
  layer('d1', 'DepthwiseConv2D', 10, [3, 3], { strides: [1, 1], pads: [1, 1, 1, 1], activation: 'relu' });
  layer('p1', 'Conv2D', 8, [1, 1], { activation: 'relu' });
  layer('d2', 'DepthwiseConv2D', 8, [3, 3], { strides: [2, 2], pads: [0, 1, 1, 0], activation: 'relu6' });
  layer('p2', 'Conv2D', 6, [1, 1], {});
  layer('d3', 'DepthwiseConv2D', 6, [2, 3], { strides: [1, 1], pads: [1, 1, 0, 1], activation: 'none' });
  b.output(h);
  return b.build();
}

describe('MLA dense kernel on QEMU mps2-an385 (Cortex-M3)', () => {
  it('int8 MLP with odd sizes: the MLA dense kernel identical to the reference, ≤ 3 instructions per MAC on 301×64', () => {
    const g = int8Mlp([301, 64, 13, 5], 6);
    const inputs = randomInputs(g, 3, 5);
    const refs = inputs.map((x) => bytes(runGraph(g, { x }).outputs[g.outputs[0]]));
    const gen = generateModel(g, { board: { kernels: 'cortex-m-mla' } });
    expect(gen.kernels).toContain('tfg_dense_s8_mla');
    const run = runOnQemu(gen, inputs, 'mps2-an385');
    run.outputs.forEach((o, i) => expect(Array.from(o), `sample ${i}`).toEqual(Array.from(refs[i])));
    const perMac = (run.layerTicks[0] * INSTRUCTIONS_PER_TICK) / (301 * 64);
    console.log(`M3 tfg_dense_s8_mla, 301×64: ${perMac.toFixed(2)} instructions per MAC`);
    expect(perMac).toBeLessThanOrEqual(3);
  });
});

// The same blocks on ARMv6-M: hand-scheduled Thumb-1 (MULS into r0–r7, ADD into accumulators in r8–r11).
for (const [target, core] of [
  ['mps2-an385', 'M3'],
  ['mps2-an385-armv6m', 'M0'],
] as const) {
  describe(`MLA conv and depthwise kernels on QEMU ${target} (Cortex-${core})`, () => {
    it('int8 depthwise-separable chain: the MLA depthwise and GEMM kernels identical to the reference', () => {
      const g = int8DsChain();
      const inputs = randomInputs(g, 3, 9);
      const gen = generateModel(g, { board: { kernels: 'cortex-m-mla' } });
      expect(gen.kernels).toEqual(['tfg_conv2d_s8_im2col_mla', 'tfg_depthwise_conv2d_s8_mla']);
      const run = runOnQemu(gen, inputs, target);
      inputs.forEach((x, i) =>
        expect(Array.from(run.outputs[i]), `sample ${i}`).toEqual(Array.from(bytes(runGraph(g, { x }).outputs[g.outputs[0]]))),
      );
    });

    it('int8 few-input-channel convs (1 and 3 channels, strides 1 and 2, pads on every side, 10×4): identical', () => {
      for (const g of [fewChannelChain(), fewChannelKws()]) {
        const inputs = randomInputs(g, 3, 15);
        const gen = generateModel(g, { board: { kernels: 'cortex-m-mla' } });
        expect(gen.kernels, g.name).toEqual(['tfg_conv2d_s8_fewch_mla']);
        const run = runOnQemu(gen, inputs, target);
        inputs.forEach((x, i) =>
          expect(Array.from(run.outputs[i]), `${g.name} sample ${i}`).toEqual(Array.from(bytes(runGraph(g, { x }).outputs[g.outputs[0]]))),
        );
      }
    });

    it('int8 conv chain: the MLA GEMM kernel identical to the reference, each conv under half its instructions', () => {
      const g = int8Chain();
      const inputs = randomInputs(g, 3, 7);
      const refs = inputs.map((x) => bytes(runGraph(g, { x }).outputs[g.outputs[0]]));
      const ticks: Record<string, number[]> = {};
      for (const kernels of ['reference', 'cortex-m-mla']) {
        const gen = generateModel(g, { board: { kernels }, fuse: false }); // unfused: each conv timed as its own layer
        expect(gen.kernels).toEqual(kernels === 'reference' ? ['tfg_conv2d_s8'] : ['tfg_conv2d_s8_fewch_mla', 'tfg_conv2d_s8_im2col_mla']);
        const run = runOnQemu(gen, inputs, target);
        run.outputs.forEach((o, i) => expect(Array.from(o), `${kernels} sample ${i}`).toEqual(Array.from(refs[i])));
        ticks[kernels] = run.layerTicks;
      }
      for (const l of [0, 1, 2]) expect(ticks['cortex-m-mla'][l], `layer ${l}`).toBeLessThan(ticks.reference[l] / 2);
      console.log(`${core} SysTick ticks per layer (5 instructions each): ${JSON.stringify(ticks)}`);
    });
  });
}
