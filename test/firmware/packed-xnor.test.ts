// XNOR-popcount Dense (binarized inputs × 1-bit weights, tfg_dense_f32_xnor): identical float bytes to the reference
// interpreter (src/reference/float/dense.ts, binarizeInput) on the host under ASan/UBSan and on QEMU mps2-an386, for
// input sizes on and off the 32-bit word boundary, batches, bias and no bias; the XNOR Conv2D likewise (padding
// masked); codegen refuses what it cannot serve.
import { describe, expect, it } from 'vitest';
import { generateModel } from '../../src/codegen/generate.ts';
import type { TinyforgeError } from '../../src/diagnostics.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Activation, Graph, TensorData } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { runOnHost } from '../codegen/host-run.ts';
import { randF32, rng } from '../codegen/graphs.ts';
import { runOnQemu } from './qemu/qemu-run.ts';

const bytes = (d: TensorData) => Array.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));

/** x[batch, in] → XNOR Dense [out, in] (±α per output channel) → y; optionally a float Dense after it. */
function xnorGraph(o: {
  batch: number;
  inN: number;
  outN: number;
  bias: boolean;
  activation: Activation;
  seed: number;
  binary?: boolean;
}): Graph {
  const r = rng(o.seed);
  const b = new GraphBuilder('xnor');
  const x = b.input('x', [o.batch, o.inN]);
  const alpha = Array.from({ length: o.outN }, () => Math.fround(0.01 + 0.2 * r()));
  const w = Float32Array.from({ length: o.outN * o.inN }, (_, i) => (r() < 0.5 ? -1 : 1) * alpha[Math.floor(i / o.inN)]);
  const wn = b.constant('fc.w', w, [o.outN, o.inN]);
  const bn = o.bias ? b.constant('fc.b', randF32(r, o.outN, -0.3, 0.3), [o.outN]) : '';
  b.output(b.node('Dense', [x, wn, bn], { activation: o.activation, binarizeInput: true }, 'fc'));
  const g = b.build();
  if (o.binary !== false) g.tensors['fc.w'].storage = { kind: 'binary', alpha };
  return g;
}

/** x[1,H,W,C] → XNOR Conv2D (OHWI ±α) → y. */
function xnorConv(o: {
  h: number;
  w: number;
  c: number;
  outC: number;
  k: number;
  attrs: object;
  bias: boolean;
  seed: number;
  groups?: number;
}): Graph {
  const r = rng(o.seed);
  const b = new GraphBuilder('xnor conv');
  const x = b.input('x', [1, o.h, o.w, o.c]);
  const groups = o.groups ?? 1;
  const row = o.k * o.k * (o.c / groups);
  const alpha = Array.from({ length: o.outC }, () => Math.fround(0.01 + 0.2 * r()));
  const w = Float32Array.from({ length: o.outC * row }, (_, i) => (r() < 0.5 ? -1 : 1) * alpha[Math.floor(i / row)]);
  const wn = b.constant('fc.w', w, [o.outC, o.k, o.k, o.c / groups]);
  const bn = o.bias ? b.constant('fc.b', randF32(r, o.outC, -0.3, 0.3), [o.outC]) : '';
  b.output(b.node('Conv2D', [x, wn, bn], { groups, ...o.attrs, binarizeInput: true }, 'fc'));
  const g = b.build();
  g.tensors['fc.w'].storage = { kind: 'binary', alpha };
  return g;
}

const CONVS = [
  { h: 7, w: 6, c: 5, outC: 6, k: 3, attrs: { pads: [1, 1, 1, 1], activation: 'relu' }, bias: true, seed: 11 },
  // 3·3·40 = 360 bits per row: 12 words, the last one partly padding; strides, dilation, asymmetric pads
  { h: 9, w: 8, c: 40, outC: 4, k: 3, attrs: { strides: [2, 2], dilations: [2, 1], pads: [2, 0, 1, 2] }, bias: false, seed: 12 },
];

function inputsFor(g: Graph, n: number, seed: number): Float32Array[] {
  const r = rng(seed);
  const size = g.tensors.x.shape.reduce((a, d) => a * d, 1);
  // values exactly 0 and −0 must binarize to +1, as in the reference
  return Array.from({ length: n }, () => {
    const v = randF32(r, size, -2, 2);
    v[0] = 0;
    if (size > 1) v[1] = -0;
    return v;
  });
}

const CASES = [
  { batch: 1, inN: 70, outN: 12, bias: true, activation: 'none' as Activation, seed: 1 },
  { batch: 2, inN: 64, outN: 5, bias: false, activation: 'relu' as Activation, seed: 2 },
  { batch: 1, inN: 300, outN: 100, bias: true, activation: 'relu6' as Activation, seed: 3 },
  { batch: 3, inN: 1, outN: 3, bias: true, activation: 'none' as Activation, seed: 4 },
];

describe('XNOR-popcount Dense', () => {
  it('identical bytes to the reference on the host (ASan/UBSan), word-aligned rows', () => {
    for (const c of CASES) {
      const g = xnorGraph(c);
      const inputs = inputsFor(g, 4, c.seed + 10);
      const run = runOnHost(g, inputs);
      expect(run.gen.kernels).toEqual(['tfg_dense_f32_xnor']);
      // rows padded to whole words: out × ⌈in/32⌉ words
      expect(run.gen.files['model.c']).toContain(`static const uint32_t w_fc_w[${c.outN * Math.ceil(c.inN / 32)}]`);
      inputs.forEach((x, i) =>
        expect(Array.from(run.outputs[i]), `case ${c.seed} sample ${i}`).toEqual(bytes(runGraph(g, { x }).outputs.fc)),
      );
    }
  });

  it('the reference is the exact ±α sum rounded to float, then a float bias add', () => {
    const g = xnorGraph(CASES[0]);
    const [x] = inputsFor(g, 1, 5);
    const w = g.tensors['fc.w'].data!;
    const bias = g.tensors['fc.b'].data!;
    const y = runGraph(g, { x }).outputs.fc as Float32Array;
    for (let o = 0; o < 12; o++) {
      let mismatches = 0;
      for (let i = 0; i < 70; i++) if (x[i] >= 0 !== w[o * 70 + i] > 0) mismatches++;
      expect(y[o]).toBe(Math.fround(Math.fround((70 - 2 * mismatches) * Math.abs(w[o * 70])) + bias[o]));
    }
  });

  it('identical bytes on QEMU mps2-an386 (Cortex-M4F)', () => {
    const graphs = [CASES[0], CASES[2]].map(xnorGraph);
    for (const g of graphs) {
      const inputs = inputsFor(g, 3, 7);
      const run = runOnQemu(generateModel(g), inputs);
      inputs.forEach((x, i) => expect(Array.from(run.outputs[i]), `sample ${i}`).toEqual(bytes(runGraph(g, { x }).outputs.fc)));
    }
  });

  it('XNOR Conv2D (padding masked out, strides, dilation, rows off the word boundary): identical bytes, host and an386', () => {
    for (const c of CONVS) {
      const g = xnorConv(c);
      const inputs = inputsFor(g, 3, c.seed);
      const host = runOnHost(g, inputs);
      expect(host.gen.kernels).toEqual(['tfg_conv2d_f32_xnor']);
      expect(host.gen.files['model.c']).toContain(`static const uint32_t w_fc_w[${c.outC * Math.ceil((c.k * c.k * c.c) / 32)}]`);
      const m4 = runOnQemu(host.gen, inputs);
      inputs.forEach((x, i) => {
        const ref = bytes(runGraph(g, { x }).outputs.fc);
        expect(Array.from(host.outputs[i]), `host ${c.seed}/${i}`).toEqual(ref);
        expect(Array.from(m4.outputs[i]), `an386 ${c.seed}/${i}`).toEqual(ref);
      });
    }
  });

  it('a grouped binarized-input Conv2D is refused (the XNOR conv serves groups = 1)', () => {
    const g = xnorConv({ h: 5, w: 5, c: 4, outC: 4, k: 3, attrs: { pads: [1, 1, 1, 1] }, bias: true, seed: 3, groups: 2 });
    try {
      generateModel(g);
      expect.unreachable();
    } catch (e) {
      const d = (e as TinyforgeError).diagnostic;
      expect(`${d.message}\n${(d.notes ?? []).join('\n')}`).toMatch(/"fc".*binarized-input Conv2D.*groups = 1/s);
    }
  });

  it('a binarized-input Dense without binary weights is refused, never run as a plain float Dense', () => {
    const g = xnorGraph({ ...CASES[0], binary: false });
    try {
      generateModel(g);
      expect.unreachable();
    } catch (e) {
      const d = (e as TinyforgeError).diagnostic;
      expect(`${d.message}\n${(d.notes ?? []).join('\n')}`).toMatch(/node "fc".*binarized-input Dense.*no packed storage/s);
    }
  });
});
