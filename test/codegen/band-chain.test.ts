// Banded chains (src/codegen/band-chain.ts), residual blocks too: which runs band, that the arena shrinks, and that
// the banded layers give the reference interpreter's bytes on the host (ASan/UBSan) with every kernel set and on QEMU:
// the M4 (DSP kernels), the M3 and the M0 (MLA kernels).
import { describe, expect, it } from 'vitest';
import { generateModel } from '../../src/codegen/generate.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph, Pads } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { randomInputs } from '../firmware/kernel-check.ts';
import { runOnQemu } from '../firmware/qemu/qemu-run.ts';
import { q, qAxis, randI32, randI8, rng } from './graphs.ts';
import { runOnHost } from './host-run.ts';

/** [op, name, out channels (conv), k, stride, pads, from]; 'cat' concatenates the tensor with itself along the
 *  channels; 'add' adds the output of the earlier step `from` (or the input, 'x') to the tensor; a step with `from`
 *  but another op reads that earlier output instead of the tensor (a residual block's second branch). */
type Step = [op: 'conv' | 'dw' | 'cat' | 'add', name: string, outC: number, k: number, stride: number, pads: Pads, from?: string];

/** An int8 chain of Conv2D / DepthwiseConv2D layers (relu6-like activations, per-channel weights), with Adds. */
function chain(name: string, input: [number, number, number, number], steps: Step[], seed: number): Graph {
  const r = rng(seed);
  const b = new GraphBuilder(name);
  let scale = 0.05;
  let h = b.input('x', input, 'i8', q(scale, 3));
  let c = input[3];
  const made = new Map<string, { h: string; scale: number; c: number }>([['x', { h, scale, c }]]);
  for (const [op, layer, outC, k, stride, pads, from] of steps) {
    if (op === 'cat') {
      h = b.node('Concat', [h, h], { axis: 3 }, { name: layer, dtype: 'i8', quant: q(scale, -20) });
      c *= 2;
    } else if (op === 'add') {
      const outScale = 0.06 + 0.05 * r();
      h = b.node('Add', [made.get(from!)!.h, h], { activation: 'relu' }, { name: layer, dtype: 'i8', quant: q(outScale, -128) });
      scale = Math.fround(outScale);
    }
    if (op === 'cat' || op === 'add') {
      made.set(layer, { h, scale, c });
      continue;
    }
    if (from) ({ h, scale, c } = made.get(from)!);
    const dw = op === 'dw';
    const oc = dw ? c : outC;
    const shape = dw ? [1, k, k, c] : [oc, k, k, c];
    const ws = Array.from({ length: oc }, () => 0.003 + 0.01 * r());
    const w = b.constant(
      `${layer}.w`,
      randI8(
        r,
        shape.reduce((a, d) => a * d, 1),
        -127,
        127,
      ),
      shape,
      qAxis(ws, dw ? 3 : 0),
    );
    const bias = b.constant(
      `${layer}.b`,
      randI32(r, oc, -2000, 2000),
      [oc],
      { scale: ws.map((s) => Math.fround(s * scale)), zeroPoint: ws.map(() => 0), axis: 0 },
      'i32',
    );
    const common = {
      strides: [stride, stride] as [number, number],
      dilations: [1, 1] as [number, number],
      pads,
      activation: 'relu' as const,
    };
    const outScale = 0.04 + 0.05 * r();
    h = dw
      ? b.node('DepthwiseConv2D', [h, w, bias], { ...common, multiplier: 1 }, { name: layer, dtype: 'i8', quant: q(outScale, -20) })
      : b.node('Conv2D', [h, w, bias], { ...common, groups: 1 }, { name: layer, dtype: 'i8', quant: q(outScale, -20) });
    scale = Math.fround(outScale);
    c = oc;
    made.set(layer, { h, scale, c });
  }
  b.output(h);
  return b.build();
}

const SAME: Pads = [1, 1, 1, 1];
/** TF 'same' at stride 2 over an even size: the extra row and column at the bottom and right. */
const SAME_S2_EVEN: Pads = [0, 0, 1, 1];
const VALID: Pads = [0, 0, 0, 0];

/** VWW's first layers: a stride-2 3×3 conv over 3 channels, depthwise s1, pointwise, depthwise s2, pointwise. */
const vwwLike = (name: string, size: [number, number], firstPads: Pads, seed: number): Graph =>
  chain(
    name,
    [1, size[0], size[1], 3],
    [
      ['conv', 'c0', 8, 3, 2, firstPads],
      ['dw', 'd1', 0, 3, 1, SAME],
      ['conv', 'p2', 16, 1, 1, VALID],
      ['dw', 'd3', 0, 3, 2, size[0] % 4 === 0 ? SAME_S2_EVEN : SAME],
      ['conv', 'p4', 12, 1, 1, VALID],
    ],
    seed,
  );

/** The chain's output is read twice (a channel concat of it with itself, twice, then a 1×1 conv): the arena's peak is
 *  past the chain, so the chain makes several rows a step where its windows still fit under it. */
const wideTail = (): Graph =>
  chain(
    'wide tail',
    [1, 40, 24, 3],
    [
      ['conv', 'c0', 8, 3, 2, SAME_S2_EVEN],
      ['dw', 'd1', 0, 3, 1, SAME],
      ['conv', 'p2', 16, 1, 1, VALID],
      ['dw', 'd3', 0, 3, 2, SAME_S2_EVEN],
      ['cat', 'cat1', 0, 0, 0, VALID],
      ['cat', 'cat2', 0, 0, 0, VALID],
      ['conv', 'q', 4, 1, 1, VALID],
    ],
    4,
  );

/** IC's (ResNet-8's) first stages: a stem conv, a residual block whose Add reads the block's input and its branch's
 *  output, then a stride-2 block whose input two stride-2 convs read (3×3 branch, 1×1 shortcut), then a 1×1 head. */
const residual = (name: string, size: [number, number], seed: number): Graph =>
  chain(
    name,
    [1, size[0], size[1], 3],
    [
      ['conv', 'stem', 8, 3, 1, SAME],
      ['conv', 'b1a', 8, 3, 1, SAME],
      ['conv', 'b1b', 8, 3, 1, SAME],
      ['add', 'add1', 0, 0, 0, VALID, 'stem'],
      ['conv', 'b2a', 16, 3, 2, size[0] % 2 === 0 ? SAME_S2_EVEN : SAME],
      ['conv', 'b2b', 16, 3, 1, SAME],
      ['conv', 'b2s', 16, 1, 2, VALID, 'add1'],
      ['add', 'add2', 0, 0, 0, VALID, 'b2b'],
      ['conv', 'head', 4, 1, 1, VALID],
    ],
    seed,
  );

const CASES: Graph[] = [
  vwwLike('vww-like same', [32, 32], SAME_S2_EVEN, 1),
  // Odd sizes: 'valid' first conv (31 → 15), then 'same' depthwise s2 over 15 rows (→ 8, padded on both sides).
  vwwLike('odd valid', [31, 21], VALID, 2),
  // 'same' over an odd size (25 → 13) and 6 channels (not whole words).
  chain(
    'odd same',
    [1, 25, 19, 3],
    [
      ['conv', 'c0', 6, 3, 2, SAME],
      ['dw', 'd1', 0, 3, 1, SAME],
      ['conv', 'p2', 10, 1, 1, VALID],
      ['dw', 'd3', 0, 3, 2, SAME],
      ['conv', 'p4', 8, 1, 1, VALID],
    ],
    3,
  ),
  wideTail(),
  residual('residual', [24, 16], 5),
  // An odd height: the 'same' stride-2 conv pads both sides, the 1×1 shortcut reads the last row alone.
  residual('residual odd', [19, 13], 6),
  // A stride-2 chain whose output is read twice: far under the peak past it, its first layer makes a steady step's
  // rows (twice the last one's) a call.
  chain(
    'steady',
    [1, 32, 12, 3],
    [
      ['conv', 'c0', 4, 3, 1, SAME],
      ['dw', 'd1', 0, 3, 2, SAME_S2_EVEN],
      ['cat', 'cat1', 0, 0, 0, VALID],
      ['cat', 'cat2', 0, 0, 0, VALID],
      ['conv', 'q', 4, 1, 1, VALID],
    ],
    8,
  ),
  // One block alone: its input (the stem's output) read by the branch's first conv and by the Add.
  chain(
    'block',
    [1, 20, 12, 3],
    [
      ['conv', 'stem', 8, 3, 1, SAME],
      ['conv', 'b1a', 8, 3, 1, SAME],
      ['conv', 'b1b', 8, 3, 1, SAME],
      ['add', 'add1', 0, 0, 0, VALID, 'stem'],
    ],
    7,
  ),
];

/** The layers each case must band: the big intermediates (the first layers'; in the wide tail at least the pointwise
 *  one's; in the residual cases the blocks' inputs, which two layers read, and the layers reading them). */
const mustBand = (g: Graph): string[] =>
  g.name === 'wide tail'
    ? ['p2']
    : g.name.startsWith('residual')
      ? ['stem', 'add1', 'b2a', 'b2s']
      : g.name === 'block'
        ? ['stem', 'b1b']
        : ['c0'];

const SETS = ['reference', 'cortex-m-dsp', 'cortex-m-mla'] as const;
const bytes = (d: ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }): number[] =>
  Array.from(new Int8Array(d.buffer, d.byteOffset, d.byteLength));

describe('banded chains', () => {
  for (const graph of CASES) {
    it(`${graph.name}: bands a chain, a smaller arena, every set the reference's bytes on the host`, () => {
      const inputs = randomInputs(graph, 3, 7);
      const want = inputs.map((x) => bytes(runGraph(graph, { x }).outputs[graph.outputs[0]] as Int8Array));
      const values = runGraph(graph, { x: inputs[0] }, { collect: true }).values!;
      for (const kernels of SETS) {
        const off = generateModel(graph, { board: { kernels }, fuse: false });
        expect(off.fused, kernels).toEqual({});
        const run = runOnHost(graph, inputs, { board: { kernels }, layers: true });
        const banded = Object.keys(run.gen.fused);
        for (const name of mustBand(graph)) expect(banded, kernels).toContain(name);
        expect(run.gen.arenaBytes, kernels).toBeLessThan(off.arenaBytes);
        for (const name of banded)
          expect(run.gen.plan.bufferOf[graph.nodes.find((n) => n.name === name)!.outputs[0]], `${kernels} ${name}`).toBeUndefined();
        inputs.forEach((_, i) => expect(bytes(run.outputs[i]), `${kernels} sample ${i}`).toEqual(want[i]));
        graph.nodes.forEach((node, l) => {
          const got = run.layers!.get(l)!;
          if (banded.includes(node.name)) expect(got.length, `${kernels} ${node.name}`).toBe(0);
          else expect(bytes(got), `${kernels} layer ${node.name}`).toEqual(bytes(values[node.outputs[0]] as Int8Array));
        });
      }
    });
  }

  it('wide tail: the chain makes several rows a step where the arena allows', () => {
    // The arena's peak is past the chain: its windows of several rows a step still fit under it, on every set.
    for (const kernels of SETS) {
      const gen = generateModel(wideTail(), { board: { kernels } });
      expect(gen.bands.length, kernels).toBe(1);
      expect(gen.bands[0].nodes, kernels).toContain('d3');
      expect(gen.bands[0].rowsPerStep, kernels).toBeGreaterThan(1);
    }
  });

  it('steady: far under the peak, each layer makes a steady step’s rows a call (the stride-2 layer’s input twice its rows)', () => {
    for (const kernels of SETS) {
      const [band] = generateModel(
        CASES.find((g) => g.name === 'steady')!,
        { board: { kernels } },
      ).bands;
      expect(band.rowsPerStep, kernels).toBeGreaterThan(1);
      expect(band.caps, kernels).toEqual([2 * band.rowsPerStep, band.rowsPerStep]);
    }
  });

  it('runs the depthwise kernels and the first layers’ conv kernels banded', () => {
    const used = (kernels: string) => new Set(CASES.flatMap((g) => generateModel(g, { board: { kernels } }).kernels));
    const dsp = [...used('cortex-m-dsp')];
    for (const k of ['tfg_conv2d_s8_fewch_dsp', 'tfg_conv2d_s8_1x1_dsp', 'tfg_depthwise_conv2d_s8_dsp']) expect(dsp).toContain(k);
    const mla = [...used('cortex-m-mla')];
    for (const k of ['tfg_conv2d_s8_fewch_mla', 'tfg_conv2d_s8_im2col_mla', 'tfg_depthwise_conv2d_s8_mla']) expect(mla).toContain(k);
    const ref = [...used('reference')];
    for (const k of ['tfg_conv2d_s8', 'tfg_depthwise_conv2d_s8']) expect(ref).toContain(k);
  });

  it('leaves a layer unbanded whose output is a graph output too, or that another layer reads too', () => {
    const g = CASES[0];
    const d1 = g.nodes[1].outputs[0];
    const fused = (h: Graph) => generateModel(h, { board: { kernels: 'cortex-m-dsp' } }).fused;
    expect(Object.keys(fused(g))).toContain('d1');
    expect(Object.keys(fused({ ...g, outputs: [...g.outputs, d1] }))).not.toContain('d1');
    const twice = structuredClone(g);
    twice.tensors.d1b = { ...twice.tensors[d1], name: 'd1b' };
    twice.nodes.push({ ...twice.nodes[2], name: 'p2b', inputs: [d1, ...twice.nodes[2].inputs.slice(1)], outputs: ['d1b'] });
    twice.outputs.push('d1b');
    expect(Object.keys(fused(twice))).not.toContain('d1');
  });

  for (const [kernels, target] of [
    ['cortex-m-dsp', 'mps2-an386'],
    ['cortex-m-mla', 'mps2-an385'],
    ['cortex-m-mla', 'mps2-an385-armv6m'],
  ] as const)
    it(`${kernels} on ${target}: the banded layers give the reference's bytes`, () => {
      for (const graph of CASES) {
        const inputs = randomInputs(graph, 2, 11);
        const gen = generateModel(graph, { board: { kernels } });
        for (const name of mustBand(graph)) expect(Object.keys(gen.fused), graph.name).toContain(name);
        const run = runOnQemu(gen, inputs, target);
        inputs.forEach((x, i) =>
          expect(bytes(run.outputs[i]), `${graph.name} sample ${i}`).toEqual(
            bytes(runGraph(graph, { x }).outputs[graph.outputs[0]] as Int8Array),
          ),
        );
      }
    });
});
