// Conv2D + MaxPool fusion (src/codegen/conv-pool.ts): which pairs fuse, that the arena shrinks, and that the fused
// layers give the reference interpreter's bytes on the host (ASan/UBSan) with every kernel set and on QEMU: the M4
// (DSP kernels), the M3 and the M0 (MLA kernels).
import { describe, expect, it } from 'vitest';
import { generateModel } from '../../src/codegen/generate.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { ConvAttrs, Graph } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { randomInputs } from '../firmware/kernel-check.ts';
import { runOnQemu } from '../firmware/qemu/qemu-run.ts';
import { q, qAxis, randI32, randI8, rng } from './graphs.ts';
import { runOnHost } from './host-run.ts';

type Step =
  | [op: 'conv', name: string, outC: number, k: [number, number], attrs: Partial<ConvAttrs>]
  | [op: 'pool', name: string, kernel: [number, number], strides: [number, number]];

/** An int8 chain of convs and max pools (the pools keep their input's quantization, as int8 MaxPool must). */
function chain(name: string, input: [number, number, number, number], steps: Step[], seed: number): Graph {
  const r = rng(seed);
  const b = new GraphBuilder(name);
  let scale = 0.05;
  let zp = 3;
  let h = b.input('x', input, 'i8', q(scale, zp));
  let c = input[3];
  for (const step of steps) {
    if (step[0] === 'pool') {
      const [, layer, kernel, strides] = step;
      h = b.node('MaxPool', [h], { kernel, strides, pads: [0, 0, 0, 0] }, { name: layer, dtype: 'i8', quant: q(scale, zp) });
      continue;
    }
    const [, layer, outC, [kH, kW], attrs] = step;
    const ws = Array.from({ length: outC }, () => 0.003 + 0.01 * r());
    const w = b.constant(`${layer}.w`, randI8(r, outC * kH * kW * c, -127, 127), [outC, kH, kW, c], qAxis(ws, 0));
    const bias = b.constant(
      `${layer}.b`,
      randI32(r, outC, -2000, 2000),
      [outC],
      { scale: ws.map((s) => Math.fround(s * scale)), zeroPoint: ws.map(() => 0), axis: 0 },
      'i32',
    );
    const outScale = 0.04 + 0.05 * r();
    h = b.node('Conv2D', [h, w, bias], { groups: 1, activation: 'relu', ...attrs }, { name: layer, dtype: 'i8', quant: q(outScale, -20) });
    scale = Math.fround(outScale);
    zp = -20;
    c = outC;
  }
  b.output(h);
  return b.build();
}

const same3: Partial<ConvAttrs> = { pads: [1, 1, 1, 1] };

interface Case {
  graph: Graph;
  /** conv → pool pairs that fuse (on every kernel set). */
  fused: Record<string, string>;
}

const CASES: Case[] = [
  {
    // The MNIST CNN's shape: a 1-channel 'same' 3×3 first layer (the few-channel kernels), then an 8 → 16 one.
    graph: chain(
      'mnist-like',
      [1, 28, 28, 1],
      [
        ['conv', 'conv1', 8, [3, 3], same3],
        ['pool', 'pool1', [2, 2], [2, 2]],
        ['conv', 'conv2', 16, [3, 3], same3],
        ['pool', 'pool2', [2, 2], [2, 2]],
      ],
      1,
    ),
    fused: { conv1: 'pool1', conv2: 'pool2' },
  },
  {
    // Odd sizes: conv out 13 → pool 2 → 6 (the last conv row unused), 6 channels (not whole words), a dilated 'same'
    // 3×3 (5 input rows a band), then a stride-2 conv padded top and left only and a pool of stride 3 > kernel 2.
    graph: chain(
      'odd',
      [1, 13, 13, 4],
      [
        ['conv', 'c1', 6, [3, 3], same3],
        ['pool', 'p1', [2, 2], [2, 2]],
        ['conv', 'c2', 5, [3, 3], { pads: [2, 2, 2, 2], dilations: [2, 2] }],
        ['pool', 'p2', [2, 2], [1, 1]],
        ['conv', 'c3', 8, [3, 3], { strides: [2, 2], pads: [1, 1, 0, 0] }],
        ['pool', 'p3', [1, 2], [1, 2]],
      ],
      2,
    ),
    // p2 has stride 1 < kernel 2 (its windows overlap: fusing would compute conv rows twice), so c2 stays unfused.
    fused: { c1: 'p1', c3: 'p3' },
  },
  {
    // A pool whose stride (3) exceeds its kernel (2): the conv rows between windows are never computed. Then a 1×1
    // conv with as many outputs as inputs (the DSP 1×1 kernel's pointwise path, in place when unfused), a 3×3 pool.
    graph: chain(
      'strided pools',
      [1, 17, 11, 3],
      [
        ['conv', 'a', 8, [3, 3], same3],
        ['pool', 'pa', [2, 2], [3, 3]],
        ['conv', 'b', 8, [1, 1], {}],
        ['pool', 'pb', [3, 3], [3, 3]],
      ],
      3,
    ),
    fused: { a: 'pa', b: 'pb' },
  },
  {
    // A receptive field past TFG_IM2COL_MAX (3·3·72 = 648): the per-pixel DSP kernel and, on the MLA set, the reference one.
    graph: chain(
      'wide field',
      [1, 7, 6, 72],
      [
        ['conv', 'w', 8, [3, 3], same3],
        ['pool', 'pw', [2, 2], [2, 2]],
      ],
      5,
    ),
    fused: { w: 'pw' },
  },
];

const SETS = ['reference', 'cortex-m-dsp', 'cortex-m-mla'] as const;
const bytes = (d: ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }): number[] =>
  Array.from(new Int8Array(d.buffer, d.byteOffset, d.byteLength));

describe('conv + max pool fusion', () => {
  for (const { graph, fused } of CASES) {
    it(`${graph.name}: fuses ${Object.keys(fused).join(', ')}, a smaller arena, every set the reference's bytes on the host`, () => {
      const inputs = randomInputs(graph, 3, 7);
      const want = inputs.map((x) => bytes(runGraph(graph, { x }).outputs[graph.outputs[0]] as Int8Array));
      const values = runGraph(graph, { x: inputs[0] }, { collect: true }).values!;
      for (const kernels of SETS) {
        const off = generateModel(graph, { board: { kernels }, fuse: false });
        expect(off.fused, kernels).toEqual({});
        const run = runOnHost(graph, inputs, { board: { kernels }, layers: true });
        expect(run.gen.fused, kernels).toEqual(fused);
        expect(run.gen.arenaBytes, kernels).toBeLessThan(off.arenaBytes);
        // The fused conv's output is never stored: neither a buffer of the plan nor anything the layer hook shows.
        for (const conv of Object.keys(fused))
          expect(run.gen.plan.bufferOf[graph.nodes.find((n) => n.name === conv)!.outputs[0]]).toBeUndefined();
        inputs.forEach((_, i) => expect(bytes(run.outputs[i]), `${kernels} sample ${i}`).toEqual(want[i]));
        graph.nodes.forEach((node, l) => {
          const got = run.layers!.get(l)!;
          if (node.name in fused) expect(got.length, `${kernels} ${node.name}`).toBe(0);
          else expect(bytes(got), `${kernels} layer ${node.name}`).toEqual(bytes(values[node.outputs[0]] as Int8Array));
        });
      }
    });
  }

  it('runs every dense int8 conv kernel fused', () => {
    const used = (kernels: string) => new Set(CASES.flatMap(({ graph }) => generateModel(graph, { board: { kernels } }).kernels));
    expect([...used('reference')]).toContain('tfg_conv2d_s8');
    const dsp = used('cortex-m-dsp');
    for (const k of ['tfg_conv2d_s8_fewch_dsp', 'tfg_conv2d_s8_im2col_dsp', 'tfg_conv2d_s8_1x1_dsp', 'tfg_conv2d_s8_dsp'])
      expect([...dsp]).toContain(k);
    const mla = used('cortex-m-mla');
    for (const k of ['tfg_conv2d_s8_fewch_mla', 'tfg_conv2d_s8_im2col_mla', 'tfg_conv2d_s8']) expect([...mla]).toContain(k);
  });

  it('leaves a conv unfused whose output is a graph output too, or that another layer reads too', () => {
    const g = chain(
      'readers',
      [1, 8, 8, 2],
      [
        ['conv', 'c', 4, [3, 3], same3],
        ['pool', 'p', [2, 2], [2, 2]],
      ],
      4,
    );
    const conv = g.nodes[0].outputs[0];
    const fused = (h: Graph) => generateModel(h, { board: { kernels: 'cortex-m-dsp' } }).fused;
    expect(fused(g)).toEqual({ c: 'p' });
    expect(fused({ ...g, outputs: [...g.outputs, conv] })).toEqual({});
    const twice = structuredClone(g);
    twice.tensors.p2 = { ...twice.tensors[g.outputs[0]], name: 'p2' };
    twice.nodes.push({ ...twice.nodes[1], name: 'p2', outputs: ['p2'] });
    twice.outputs.push('p2');
    expect(fused(twice)).toEqual({});
  });

  it('int4 weights on the DSP set: both convs fused on tfg_conv2d_s4_im2col_dsp, the reference bytes on the host and the M4', () => {
    const g = structuredClone(CASES[0].graph);
    for (const name of ['conv1.w', 'conv2.w']) {
      const t = g.tensors[name];
      const d = t.data as Int8Array;
      for (let i = 0; i < d.length; i++) d[i] = Math.max(-8, Math.min(7, Math.round(d[i] / 16)));
      t.storage = { kind: 'int4' };
    }
    const inputs = randomInputs(g, 2, 13);
    const want = inputs.map((x) => bytes(runGraph(g, { x }).outputs[g.outputs[0]] as Int8Array));
    const gen = generateModel(g, { board: { kernels: 'cortex-m-dsp' } });
    expect(gen.kernels).toContain('tfg_conv2d_s4_im2col_dsp');
    expect(gen.fused).toEqual(CASES[0].fused);
    expect(gen.arenaBytes).toBeLessThan(generateModel(g, { board: { kernels: 'cortex-m-dsp' }, fuse: false }).arenaBytes);
    const host = runOnHost(g, inputs, { board: { kernels: 'cortex-m-dsp' } });
    inputs.forEach((_, i) => expect(bytes(host.outputs[i]), `host sample ${i}`).toEqual(want[i]));
    const qemu = runOnQemu(gen, inputs);
    inputs.forEach((_, i) => expect(bytes(qemu.outputs[i]), `mps2-an386 sample ${i}`).toEqual(want[i]));
  });

  for (const [kernels, target, cases] of [
    ['cortex-m-dsp', 'mps2-an386', [CASES[0], CASES[1], CASES[2], CASES[3]]],
    ['cortex-m-mla', 'mps2-an385', [CASES[0], CASES[1], CASES[2]]],
    ['cortex-m-mla', 'mps2-an385-armv6m', [CASES[0], CASES[2]]],
  ] as const)
    it(`${kernels} on ${target}: the fused layers give the reference's bytes`, () => {
      for (const { graph, fused } of cases) {
        const inputs = randomInputs(graph, 2, 11);
        const gen = generateModel(graph, { board: { kernels } });
        expect(gen.fused).toEqual(fused);
        const run = runOnQemu(gen, inputs, target);
        inputs.forEach((x, i) =>
          expect(bytes(run.outputs[i]), `${graph.name} sample ${i}`).toEqual(
            bytes(runGraph(graph, { x }).outputs[graph.outputs[0]] as Int8Array),
          ),
        );
      }
    });
});
