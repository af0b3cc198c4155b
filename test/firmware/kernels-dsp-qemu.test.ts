// The Cortex-M DSP kernels on an emulated Cortex-M4F (QEMU mps2-an386): bit-exact with the TS reference (and so with
// the reference C kernels), and the int8 LeNet-300-100 dense layers at ≤ 3 instructions per MAC.
import { describe, expect, it } from 'vitest';
import { mnistCnn } from '../../examples/models.ts';
import { generateModel } from '../../src/codegen/generate.ts';
import { calibrate } from '../../src/compress/calibrate.ts';
import { quantizeGraphInt8 } from '../../src/compress/quantize-int8.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { int8Mlp, q, qAxis, randF32, randI32, randI8, rng } from '../codegen/graphs.ts';
import { fewChannelChain, fewChannelKws } from './few-channel-graphs.ts';
import { randomInputs } from './kernel-check.ts';
import { INSTRUCTIONS_PER_TICK, runOnQemu } from './qemu/qemu-run.ts';

const bytes = (d: ArrayBufferView) => new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/** An int8 CNN exercising the DSP conv paths: 3×3 with pads, grouped, 1×1 with an odd channel count. */
function int8Cnn(): Graph {
  const r = rng(21);
  const b = new GraphBuilder('int8 cnn');
  let scale = 0.05;
  let h = b.input('x', [1, 10, 10, 6], 'i8', q(scale, -3));
  const conv = (name: string, inC: number, outC: number, k: number, attrs: object, groups = 1) => {
    const ws = Array.from({ length: outC }, () => 0.003 + 0.01 * r());
    const w = b.constant(`${name}.w`, randI8(r, outC * k * k * (inC / groups), -127, 127), [outC, k, k, inC / groups], qAxis(ws, 0));
    const bias = b.constant(
      `${name}.b`,
      randI32(r, outC, -2000, 2000),
      [outC],
      { scale: ws.map((s) => Math.fround(s * scale)), zeroPoint: ws.map(() => 0), axis: 0 },
      'i32',
    );
    const outScale = 0.04 + 0.05 * r();
    h = b.node('Conv2D', [h, w, bias], { groups, ...attrs }, { name, dtype: 'i8', quant: q(outScale, -20) });
    scale = Math.fround(outScale);
  };
  conv('c1', 6, 8, 3, { pads: [1, 1, 1, 1], activation: 'relu' });
  conv('c2', 8, 8, 3, { strides: [2, 2], pads: [0, 0, 1, 1] }, 2);
  conv('c3', 8, 7, 1, {});
  b.output(h);
  return b.build();
}

/** A MobileNet-style int8 chain: im2col conv, depthwise (4-channel blocks, remainders, strides, borders), 1×1 GEMMs. */
function int8DsCnn(): Graph {
  const r = rng(33);
  const b = new GraphBuilder('int8 ds-cnn');
  let scale = 0.05;
  let h = b.input('x', [1, 9, 8, 3], 'i8', q(scale, 5));
  let c = 3;
  const layer = (name: string, op: 'Conv2D' | 'DepthwiseConv2D', outC: number, k: number, attrs: object) => {
    const ws = Array.from({ length: outC }, () => 0.003 + 0.01 * r());
    const shape = op === 'Conv2D' ? [outC, k, k, c] : [1, k, k, outC];
    const w = b.constant(
      `${name}.w`,
      randI8(
        r,
        shape.reduce((a, d) => a * d, 1),
        -127,
        127,
      ),
      shape,
      qAxis(ws, op === 'Conv2D' ? 0 : 3),
    );
    const bias = b.constant(
      `${name}.b`,
      randI32(r, outC, -2000, 2000),
      [outC],
      { scale: ws.map((s) => Math.fround(s * scale)), zeroPoint: ws.map(() => 0), axis: 0 },
      'i32',
    );
    const outScale = 0.04 + 0.05 * r();
    const full =
      op === 'Conv2D'
        ? { groups: 1, ...attrs }
        : { strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], activation: 'none', multiplier: 1, ...attrs };
    h = b.node(op, [h, w, bias], full as never, { name, dtype: 'i8', quant: q(outScale, -10) });
    scale = Math.fround(outScale);
    c = outC;
  };
  layer('conv', 'Conv2D', 8, 3, { pads: [1, 1, 1, 1], activation: 'relu' });
  layer('dw1', 'DepthwiseConv2D', 8, 3, { pads: [1, 1, 1, 1], activation: 'relu' });
  layer('pw1', 'Conv2D', 6, 1, { activation: 'relu6' });
  layer('dw2', 'DepthwiseConv2D', 6, 3, { strides: [2, 2], pads: [0, 0, 1, 1] });
  layer('pw2', 'Conv2D', 5, 1, { strides: [2, 2] });
  b.output(h);
  return b.build();
}

/** Depthwise 3×3 stride-1 layers on the plane path's block passes, 7 channels (pair fills and a last single one): line
 *  walks along rows and along columns, odd and even line counts and lengths, uneven pads, a 4×3 plane, activations that
 *  leave the whole int8 range (so the assembly passes run) and one that narrows it (the C loop); and a stride-2 layer on
 *  the row ring. */
function int8DwPlanes(): Graph {
  const r = rng(47);
  const b = new GraphBuilder('int8 dw planes');
  const c = 7;
  let scale = 0.05;
  let h = b.input('x', [1, 10, 12, 7], 'i8', q(scale, -6));
  const dw = (name: string, pads: number[], activation: string, zp: number, stride = 1) => {
    const ws = Array.from({ length: c }, () => 0.003 + 0.01 * r());
    const w = b.constant(`${name}.w`, randI8(r, 9 * c, -127, 127), [1, 3, 3, c], qAxis(ws, 3));
    const bias = b.constant(
      `${name}.b`,
      randI32(r, c, -2000, 2000),
      [c],
      { scale: ws.map((s) => Math.fround(s * scale)), zeroPoint: ws.map(() => 0), axis: 0 },
      'i32',
    );
    const outScale = 0.02 + 0.03 * r();
    const attrs = { strides: [stride, stride], dilations: [1, 1], pads, activation, multiplier: 1 };
    h = b.node('DepthwiseConv2D', [h, w, bias], attrs as never, { name, dtype: 'i8', quant: q(outScale, zp) });
    scale = Math.fround(outScale);
  };
  dw('rows even', [1, 1, 1, 1], 'none', 3); // 10 lines of 12
  dw('rows odd', [2, 1, 1, 1], 'relu', -128); // 11 lines of 12
  dw('columns', [1, 0, 1, 0], 'none', -2); // 11 × 10: 10 column lines of 11
  dw('narrow', [1, 1, 1, 1], 'relu6', -100);
  dw('stride 2', [1, 1, 1, 1], 'none', 4, 2); // 6 × 5 on the row ring
  dw('small', [0, 0, 0, 0], 'none', -1); // 4 × 3: 3 column lines of 4
  b.output(h);
  return b.build();
}

/** Only 1×1 convs (so they keep their own kernel): 12 → 7 channels (odd), then stride 2 over 7 × 5 pixels (odd count). */
function int8Pointwise(): Graph {
  const r = rng(5);
  const b = new GraphBuilder('int8 pointwise');
  let scale = 0.05;
  let h = b.input('x', [1, 7, 5, 12], 'i8', q(scale, 9));
  const pw = (name: string, inC: number, outC: number, strides: [number, number]) => {
    const ws = Array.from({ length: outC }, () => 0.003 + 0.01 * r());
    const w = b.constant(`${name}.w`, randI8(r, outC * inC, -127, 127), [outC, 1, 1, inC], qAxis(ws, 0));
    const bias = b.constant(
      `${name}.b`,
      randI32(r, outC, -2000, 2000),
      [outC],
      { scale: ws.map((s) => Math.fround(s * scale)), zeroPoint: ws.map(() => 0), axis: 0 },
      'i32',
    );
    const outScale = 0.04 + 0.05 * r();
    h = b.node('Conv2D', [h, w, bias], { groups: 1, strides, activation: 'relu' }, { name, dtype: 'i8', quant: q(outScale, -20) });
    scale = Math.fround(outScale);
  };
  pw('p1', 12, 7, [1, 1]);
  pw('p2', 7, 6, [2, 2]);
  b.output(h);
  return b.build();
}

describe('DSP kernels on QEMU mps2-an386', () => {
  it('int8 depthwise-separable chain: every new DSP variant identical to the reference on the M4', () => {
    const g = int8DsCnn();
    const inputs = randomInputs(g, 3, 12);
    const gen = generateModel(g, { board: { kernels: 'cortex-m-dsp' } });
    // the 3×3 conv from 3 channels takes the few-channel kernel, so no im2col kernel is linked for the 1×1s to share
    expect(gen.kernels).toEqual(['tfg_conv2d_s8_1x1_dsp', 'tfg_conv2d_s8_fewch_dsp', 'tfg_depthwise_conv2d_s8_dsp']);
    const run = runOnQemu(gen, inputs);
    inputs.forEach((x, i) => {
      const ref = bytes(runGraph(g, { x }).outputs[g.outputs[0]]);
      expect(Array.from(run.outputs[i]), `sample ${i}`).toEqual(Array.from(ref));
    });
  });

  it('int8 depthwise 3×3 block passes (both walks, odd and even sizes, 7 channels) and stride 2: identical to the reference on the M4', () => {
    const g = int8DwPlanes();
    const inputs = randomInputs(g, 3, 13);
    const gen = generateModel(g, { board: { kernels: 'cortex-m-dsp' } });
    expect(gen.kernels).toEqual(['tfg_depthwise_conv2d_s8_dsp']);
    const run = runOnQemu(gen, inputs);
    inputs.forEach((x, i) =>
      expect(Array.from(run.outputs[i]), `sample ${i}`).toEqual(Array.from(bytes(runGraph(g, { x }).outputs[g.outputs[0]]))),
    );
  });

  it('int8 pointwise-only chain (odd channels, stride 2): the 1×1 GEMM kernel identical to the reference on the M4', () => {
    const g = int8Pointwise();
    const inputs = randomInputs(g, 3, 4);
    const gen = generateModel(g, { board: { kernels: 'cortex-m-dsp' } });
    expect(gen.kernels).toEqual(['tfg_conv2d_s8_1x1_dsp']);
    const run = runOnQemu(gen, inputs);
    inputs.forEach((x, i) =>
      expect(Array.from(run.outputs[i]), `sample ${i}`).toEqual(Array.from(bytes(runGraph(g, { x }).outputs[g.outputs[0]]))),
    );
  });

  it('int8 LeNet-300-100: identical bytes to the reference, dense layers at ≤ 3 instructions per MAC with SMLAD', () => {
    const g = int8Mlp([784, 300, 100, 10], 5);
    const inputs = randomInputs(g, 4, 3);
    const refs = inputs.map((x) => bytes(runGraph(g, { x }).outputs[g.outputs[0]]));
    const perMac: Record<string, number[]> = {};
    for (const kernels of ['reference', 'cortex-m-dsp']) {
      const gen = generateModel(g, { board: { kernels } });
      expect(gen.kernels).toContain(kernels === 'reference' ? 'tfg_dense_s8' : 'tfg_dense_s8_dsp');
      const run = runOnQemu(gen, inputs);
      run.outputs.forEach((o, i) => expect(Array.from(o), `${kernels} sample ${i}`).toEqual(Array.from(refs[i])));
      const macs = [784 * 300, 300 * 100, 100 * 10];
      perMac[kernels] = macs.map((m, l) => (run.layerTicks[l] * INSTRUCTIONS_PER_TICK) / m);
    }
    // Measured: reference C ≈ 6.1, dsp ≈ 1.96 instructions per MAC on the 784×300 layer (hook and requantization included).
    expect(perMac['cortex-m-dsp'][0]).toBeLessThanOrEqual(3);
    expect(perMac['cortex-m-dsp'][1]).toBeLessThanOrEqual(3);
    expect(perMac['cortex-m-dsp'][0]).toBeLessThan(perMac.reference[0] / 2);
    console.log(`instructions per MAC (784×300, 300×100, 100×10): ${JSON.stringify(perMac)}`);
  });

  it("int8 per-tensor MLP (the AD autoencoder's shapes): tfg_dense_s8_tensor_dsp identical to the reference on the M4", () => {
    const g = int8Mlp([640, 128, 8, 128, 640, 10], 6, 'relu', true);
    const inputs = randomInputs(g, 3, 4);
    const gen = generateModel(g, { board: { kernels: 'cortex-m-dsp' } });
    expect(gen.kernels).toContain('tfg_dense_s8_tensor_dsp');
    expect(gen.kernels).not.toContain('tfg_dense_s8_dsp');
    const run = runOnQemu(gen, inputs);
    inputs.forEach((x, i) =>
      expect(Array.from(run.outputs[i]), `sample ${i}`).toEqual(Array.from(bytes(runGraph(g, { x }).outputs[g.outputs[0]]))),
    );
  });

  it('int8 MaxPool: the byte-wise SIMD 2×2 path (ReLU clamp, a channel tail, padded edge windows) identical to the reference', () => {
    for (const [c, activation, pads] of [
      [12, 'relu', [0, 0, 1, 1]],
      [6, 'none', [0, 0, 0, 0]],
    ] as const) {
      const b = new GraphBuilder(`maxpool ${c}`);
      const x = b.input('x', [1, 9, 10, c], 'i8', q(0.05, -40)); // ReLU clamps at the zero point −40
      b.output(
        b.node(
          'MaxPool',
          [x],
          { kernel: [2, 2], strides: [2, 2], pads: [...pads], activation },
          { name: 'pool', dtype: 'i8', quant: q(0.05, -40) },
        ),
      );
      const g = b.build();
      const inputs = randomInputs(g, 3, c);
      const run = runOnQemu(generateModel(g, { board: { kernels: 'cortex-m-dsp' } }), inputs);
      inputs.forEach((xv, i) =>
        expect(Array.from(run.outputs[i]), `${c} channels, sample ${i}`).toEqual(
          Array.from(bytes(runGraph(g, { x: xv }).outputs[g.outputs[0]])),
        ),
      );
    }
  });

  it('int8 AveragePool: the SXTAB16 path (a channel tail, padding counted or not, ReLU) and windows over 256 positions', () => {
    for (const [c, kernel, pads, countIncludePad, activation] of [
      [12, [3, 3], [1, 1, 1, 1], true, 'relu'],
      [6, [2, 3], [0, 1, 1, 0], false, 'none'],
      [8, [17, 16], [0, 0, 0, 0], false, 'none'], // 272 positions: the per-channel path
      [64, [9, 10], [0, 0, 0, 0], false, 'none'], // the whole input, as KWS's last pool
    ] as const) {
      const b = new GraphBuilder(`avgpool ${c}`);
      const [h, w] = kernel[0] > 9 ? [17, 16] : [9, 10];
      const x = b.input('x', [1, h, w, c], 'i8', q(0.05, -40));
      const attrs = { kernel: [...kernel], strides: [2, 2], pads: [...pads], countIncludePad, activation };
      b.output(b.node('AveragePool', [x], attrs as never, { name: 'pool', dtype: 'i8', quant: q(0.05, -40) }));
      const g = b.build();
      const inputs = randomInputs(g, 3, c);
      const run = runOnQemu(generateModel(g, { board: { kernels: 'cortex-m-dsp' } }), inputs);
      inputs.forEach((xv, i) =>
        expect(Array.from(run.outputs[i]), `${c} channels ${kernel.join('×')}, sample ${i}`).toEqual(
          Array.from(bytes(runGraph(g, { x: xv }).outputs[g.outputs[0]])),
        ),
      );
    }
  });

  it('int8 CNN (3×3 padded, grouped strided, 1×1 odd channels): DSP conv identical to the reference on the M4', () => {
    const g = int8Cnn();
    const inputs = randomInputs(g, 3, 8);
    const refs = inputs.map((x) => bytes(runGraph(g, { x }).outputs[g.outputs[0]]));
    const gen = generateModel(g, { board: { kernels: 'cortex-m-dsp' } });
    expect(gen.kernels).toEqual(['tfg_conv2d_s8_dsp', 'tfg_conv2d_s8_im2col_dsp']);
    const run = runOnQemu(gen, inputs);
    run.outputs.forEach((o, i) => expect(Array.from(o), `sample ${i}`).toEqual(Array.from(refs[i])));
  });

  it('int8 few-input-channel convs (1 and 3 channels, strides 1 and 2, pads on every side, 10×4): identical on the M4', () => {
    for (const g of [fewChannelChain(), fewChannelKws()]) {
      const inputs = randomInputs(g, 3, 14);
      const gen = generateModel(g, { board: { kernels: 'cortex-m-dsp' } });
      expect(gen.kernels, g.name).toEqual(['tfg_conv2d_s8_fewch_dsp']);
      const run = runOnQemu(gen, inputs);
      inputs.forEach((x, i) =>
        expect(Array.from(run.outputs[i]), `${g.name} sample ${i}`).toEqual(Array.from(bytes(runGraph(g, { x }).outputs[g.outputs[0]]))),
      );
    }
  });

  it('int8 MNIST CNN after PTQ: identical bytes with both kernel sets, DSP convs under half the reference instructions', () => {
    const g = mnistCnn(1);
    const qg = quantizeGraphInt8(
      g,
      calibrate(
        g,
        [0, 1, 2].map((i) => ({ [g.inputs[0]]: randF32(rng(i), 784, 0, 1) })),
      ),
    ).graph;
    const inputs = randomInputs(qg, 2, 5);
    const refs = inputs.map((x) => bytes(runGraph(qg, { [qg.inputs[0]]: x }).outputs[qg.outputs[0]]));
    const ticks: Record<string, number[]> = {};
    for (const kernels of ['reference', 'cortex-m-dsp']) {
      // Unfused, so each conv is timed as its own layer.
      const run = runOnQemu(generateModel(qg, { board: { kernels }, fuse: false }), inputs);
      run.outputs.forEach((o, i) => expect(Array.from(o), `${kernels} sample ${i}`).toEqual(Array.from(refs[i])));
      ticks[kernels] = run.layerTicks;
    }
    // Layers 0 and 2 are the convs (28×28×8 from 1 channel, 14×14×16 from 8); measured 2.86 M → 0.95 M and 2.46 M → 0.83 M instructions.
    for (const l of [0, 2]) expect(ticks['cortex-m-dsp'][l]).toBeLessThan(ticks.reference[l] / 2);
    console.log(
      `mnist-cnn int8 instructions per layer: ${JSON.stringify(Object.fromEntries(Object.entries(ticks).map(([k, t]) => [k, t.map((x) => x * INSTRUCTIONS_PER_TICK)])))}`,
    );
  });
});
