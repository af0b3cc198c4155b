// PTQ end to end on small float graphs: structure of the int8 graph, agreement with float, fallback, calibration.
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph, TensorData } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { dequantizeArray, quantizeArray } from '../../src/reference/quant.ts';
import { calibrate } from '../../src/compress/calibrate.ts';
import { createLog } from '../../src/compress/pass.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';

function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}
const normal = (r: () => number) => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
const randn = (r: () => number, n: number, std: number) => Float32Array.from({ length: n }, () => normal(r) * std);

/** Conv → Relu (fusable) → MaxPool → [DW relu6, Conv 1×1] → Concat → Add(residual) → GAP → Reshape → Dense → Softmax. */
function smallCnn(seed: number): Graph {
  const r = rng(seed);
  const b = new GraphBuilder('small-cnn');
  const x = b.input('x', [1, 8, 8, 2]);
  const w1 = b.constant('w1', randn(r, 6 * 3 * 3 * 2, 0.4), [6, 3, 3, 2]);
  const b1 = b.constant('b1', randn(r, 6, 0.1), [6]);
  const c1 = b.node('Conv2D', [x, w1, b1], { pads: [1, 1, 1, 1] }, 'c1');
  const r1 = b.node('Relu', [c1], {}, 'r1');
  const p1 = b.node('MaxPool', [r1], {}, 'p1');
  const wd = b.constant('wd', randn(r, 3 * 3 * 6, 0.4), [1, 3, 3, 6]);
  const d1 = b.node('DepthwiseConv2D', [p1, wd, ''], { pads: [1, 1, 1, 1], activation: 'relu6' }, 'd1');
  const w2 = b.constant('w2', randn(r, 4 * 6, 0.5), [4, 1, 1, 6]);
  const b2 = b.constant('b2', randn(r, 4, 0.1), [4]);
  const c2 = b.node('Conv2D', [p1, w2, b2], {}, 'c2');
  const cat = b.node('Concat', [d1, c2], { axis: -1 }, 'cat');
  const wm = b.constant('wm', randn(r, 10 * 10, 0.3), [10, 1, 1, 10]);
  const mix = b.node('Conv2D', [cat, wm, ''], {}, 'mix');
  const res = b.node('Add', [mix, cat], { activation: 'relu' }, 'res');
  const gap = b.node('GlobalAveragePool', [res], {}, 'gap');
  const flat = b.node('Reshape', [gap], { shape: [1, 10] }, 'flat');
  const w3 = b.constant('w3', randn(r, 5 * 10, 0.6), [5, 10]);
  const b3 = b.constant('b3', randn(r, 5, 0.1), [5]);
  const logits = b.node('Dense', [flat, w3, b3], {}, 'logits');
  const probs = b.node('Softmax', [logits], {}, 'probs');
  b.output(logits).output(probs);
  return b.build();
}

const samplesOf = (seed: number, n: number, shape = 128): Record<string, TensorData>[] => {
  const r = rng(seed);
  return Array.from({ length: n }, () => ({ x: Float32Array.from({ length: shape }, () => r() * 2 - 1) }));
};
const argmax = (a: ArrayLike<number>) => Array.prototype.indexOf.call(a, Math.max(...Array.from(a)));

describe('quantize-int8 pass', async () => {
  const g = smallCnn(1);
  const { ir: q, compression } = await runPipeline(g, 'int8', { data: { calibration: samplesOf(2, 64) } });

  it('builds a full-int8 graph like TFLite int8 models', () => {
    expect(q.tensors.x.dtype).toBe('i8');
    expect(q.tensors.logits.dtype).toBe('i8');
    expect(q.tensors.probs.quant).toEqual({ scale: [1 / 256], zeroPoint: [-128] });
    expect(q.tensors.w1).toMatchObject({ dtype: 'i8', quant: { axis: 0 } });
    expect(q.tensors.w1.quant!.scale).toHaveLength(6);
    expect(q.tensors.w1.quant!.zeroPoint.every((z) => z === 0)).toBe(true);
    expect(Math.max(...Array.from(q.tensors.w1.data!, Math.abs))).toBe(127); // symmetric ±127
    expect(q.tensors.wd.quant).toMatchObject({ axis: 3 });
    expect(q.tensors.b1.dtype).toBe('i32');
    expect(q.tensors.b1.quant!.scale[2]).toBe(Math.fround(q.tensors.x.quant!.scale[0] * q.tensors.w1.quant!.scale[2]));
    // Relu fused into the conv; MaxPool inherits; Concat producers share the Concat scale.
    expect(q.nodes.find((n) => n.name === 'c1')!.attrs).toMatchObject({ activation: 'relu' });
    expect(q.nodes.some((n) => n.op === 'Relu')).toBe(false);
    expect(q.tensors.p1.quant).toEqual(q.tensors.r1.quant);
    expect(q.tensors.d1.quant).toEqual(q.tensors.cat.quant);
    expect(q.tensors.c2.quant).toEqual(q.tensors.cat.quant);
    // every activation range contains 0 exactly: zero point in range
    for (const t of Object.values(q.tensors))
      if (t.dtype === 'i8' && !t.data) expect(Math.abs(t.quant!.zeroPoint[0])).toBeLessThanOrEqual(128);
    // the input graph is untouched
    expect(g.tensors.x.dtype).toBe('f32');
    expect(g.tensors.w1.data).toEqual(smallCnn(1).tensors.w1.data);
    expect(g.nodes.some((n) => n.op === 'Relu')).toBe(true);
  });

  it('reports sizes and per-layer rows', () => {
    const step = compression.steps[0];
    expect(step.name).toBe('quantize-int8');
    expect(step.params_after).toBe(step.params_before);
    // the flash codegen will use: weights 4 → 1 byte, each array padded to a 4-byte boundary (54 → 56, 50 → 52); biases stay 4 bytes
    expect(step.bytes_after).toBe(6 * 18 + 56 + 24 + 100 + 52 + 4 * (6 + 4 + 5));
    expect(compression.ratio).toBeGreaterThan(3);
    const c1 = step.layers.find((l) => l.node === 'c1')!;
    expect(c1.bytes_before).toBe(4 * (108 + 6));
    expect(c1.sqnr_db).toBeGreaterThan(25);
  });

  it('int8 output dequantized stays within a few steps of float; top-1 agrees on most inputs', () => {
    const tests = samplesOf(99, 60);
    const sLogits = q.tensors.logits.quant!;
    let agree = 0;
    let worstSteps = 0;
    for (const s of tests) {
      const f = runGraph(g, s).outputs;
      const o = runGraph(q, { x: quantizeArray(s.x, q.tensors.x.quant!) }).outputs;
      const logits = dequantizeArray(o.logits, sLogits);
      for (let i = 0; i < 5; i++) worstSteps = Math.max(worstSteps, Math.abs(logits[i] - f.logits[i]) / sLogits.scale[0]);
      const probs = dequantizeArray(o.probs, q.tensors.probs.quant!);
      for (let i = 0; i < 5; i++) expect(Math.abs(probs[i] - f.probs[i])).toBeLessThan(0.03);
      if (argmax(o.logits) === argmax(f.logits)) agree++;
    }
    expect(worstSteps).toBeLessThanOrEqual(4);
    expect(agree / tests.length).toBeGreaterThanOrEqual(0.9);
  });

  it('per-tensor weights: one scale per weight, int8 kernels still agree with float', async () => {
    const { ir: t } = await runPipeline(g, [{ step: 'quantize-int8', weights: 'per-tensor' }], { data: { calibration: samplesOf(2, 64) } });
    expect(t.tensors.w1.quant!.scale).toHaveLength(1);
    expect(t.tensors.b1.quant!.scale).toHaveLength(6);
    let agree = 0;
    const tests = samplesOf(98, 30);
    for (const s of tests) {
      const o = runGraph(t, { x: quantizeArray(s.x, t.tensors.x.quant!) }).outputs.logits;
      if (argmax(o) === argmax(runGraph(g, s).outputs.logits)) agree++;
    }
    expect(agree / tests.length).toBeGreaterThanOrEqual(0.8);
  });

  it('is deterministic', async () => {
    const again = await runPipeline(g, 'int8', { data: { calibration: samplesOf(2, 64) } });
    expect(Array.from(again.ir.tensors.w3.data!)).toEqual(Array.from(q.tensors.w3.data!));
    expect(again.ir.tensors.res.quant).toEqual(q.tensors.res.quant);
  });
});

describe('data movement and elementwise ops in int8', () => {
  it('Pad → AveragePool → Transpose → Mul(const) → Sub → Clip → Dense runs fully int8 and tracks float', async () => {
    const r = rng(21);
    const b = new GraphBuilder('moves');
    const x = b.input('x', [1, 6, 6, 3]);
    const pad = b.node('Pad', [x], { pads: [0, 1, 1, 0, 0, 1, 1, 0], value: 0 }, 'pad');
    const avg = b.node(
      'AveragePool',
      [pad],
      { kernel: [3, 3], strides: [1, 1], pads: [0, 0, 0, 0], countIncludePad: false, activation: 'none' },
      'avg',
    );
    const tr = b.node('Transpose', [avg], { perm: [0, 2, 1, 3] }, 'tr');
    const mul = b.node('Mul', [tr, b.constant('gain', [1.5, -0.5, 2], [3])], {}, 'mul');
    const sub = b.node('Sub', [mul, avg], {}, 'sub');
    const clip = b.node('Clip', [sub], { min: -1, max: 1 }, 'clip');
    const flat = b.node('Reshape', [clip], { shape: [1, 108] }, 'flat');
    b.output(b.node('Dense', [flat, b.constant('w', randn(r, 4 * 108, 0.2), [4, 108]), ''], {}, 'logits'));
    const g = b.build();
    const { ir: q } = await runPipeline(g, 'int8', { data: { calibration: samplesOf(22, 64, 108) } });
    expect(q.nodes.map((n) => n.op)).toEqual(['Pad', 'AveragePool', 'Transpose', 'Mul', 'Sub', 'Clip', 'Reshape', 'Dense']);
    for (const t of ['pad', 'avg', 'tr']) expect(q.tensors[t].quant).toEqual(q.tensors.x.quant);
    expect(q.tensors.gain).toMatchObject({ dtype: 'i8' });
    const sl = q.tensors.logits.quant!.scale[0];
    let agree = 0;
    const tests = samplesOf(23, 40, 108);
    for (const s of tests) {
      const f = runGraph(g, s).outputs.logits;
      const o = dequantizeArray(runGraph(q, { x: quantizeArray(s.x, q.tensors.x.quant!) }).outputs.logits, q.tensors.logits.quant!);
      for (let i = 0; i < 4; i++) expect(Math.abs(o[i] - f[i]) / sl).toBeLessThanOrEqual(4);
      if (argmax(o) === argmax(f)) agree++;
    }
    expect(agree / tests.length).toBeGreaterThanOrEqual(0.9);
  });
});

describe('float fallback and errors', () => {
  it('wraps ops without an int8 kernel in Dequantize/Quantize and warns', async () => {
    const b = new GraphBuilder('x · leaky(x)');
    const x = b.input('x', [1, 16]);
    const sg = b.node('LeakyRelu', [x], { alpha: 0.1 }, 'sg');
    const y = b.node('Mul', [x, sg], {}, 'y');
    b.output(y);
    const g = b.build();
    const log = createLog();
    const { ir: q, compression } = await runPipeline(g, [{ step: 'quantize-int8', samples: 16 }], {
      data: { calibration: samplesOf(5, 32, 16) },
      log,
    });
    expect(q.nodes.map((n) => n.op)).toEqual(['Dequantize', 'LeakyRelu', 'Quantize', 'Mul']);
    expect(q.tensors.sg.dtype).toBe('i8');
    expect(log.diagnostics.map((d) => d.code)).toEqual(['float-fallback']);
    expect(compression.steps[0].notes.join(' ')).toMatch(/sg \(LeakyRelu\)/);
    for (const s of samplesOf(6, 10, 16)) {
      const f = runGraph(g, s).outputs.y;
      const o = dequantizeArray(runGraph(q, { x: quantizeArray(s.x, q.tensors.x.quant!) }).outputs.y, q.tensors.y.quant!);
      // values beyond the calibrated range saturate; inside it, input/LeakyRelu/output rounding costs under 3 steps
      const yq = q.tensors.y.quant!;
      const [lo, hi] = [yq.scale[0] * (-128 - yq.zeroPoint[0]), yq.scale[0] * (127 - yq.zeroPoint[0])];
      for (let i = 0; i < 16; i++) expect(Math.abs(o[i] - Math.min(Math.max(f[i], lo), hi))).toBeLessThan(3 * yq.scale[0]);
    }
  });

  it('refuses a graph without calibration data, and an already quantized graph', async () => {
    const g = smallCnn(3);
    await expect(runPipeline(g, 'int8')).rejects.toMatchObject({ code: 'no-calibration-data' });
    const { ir: q } = await runPipeline(g, 'int8', { data: { calibration: samplesOf(2, 4) } });
    await expect(runPipeline(q, 'int8', { data: { calibration: samplesOf(2, 4) } })).rejects.toMatchObject({ code: 'already-quantized' });
  });
});

describe('calibrate', () => {
  it('percentile ranges clip outliers that min/max keeps', () => {
    const b = new GraphBuilder('relu');
    b.output(b.node('Relu', [b.input('x', [1, 1000])], {}, 'y'));
    const g = b.build();
    const r = rng(11);
    const samples = Array.from({ length: 5 }, (_, k) => {
      const x = Float32Array.from({ length: 1000 }, () => r() * 2 - 1);
      if (k === 2) x[17] = 100; // one outlier in 5000 values
      return { x };
    });
    const minmax = calibrate(g, samples);
    expect(minmax.x.max).toBe(100);
    expect(minmax.y.max).toBe(100);
    expect(minmax.x.min).toBeLessThan(-0.99);
    const p = calibrate(g, samples, { percentile: 99.9 });
    expect(p.x.max).toBeGreaterThan(0.9);
    expect(p.x.max).toBeLessThan(1.1); // one bin is ~0.05 wide
    expect(p.x.min).toBeLessThan(-0.9);
    expect(p.y.max).toBeLessThan(1.1);
    expect(() => calibrate(g, samples, { percentile: 20 })).toThrow(/percentile/);
  });
});

describe('quantize-int8 on a layer with binarized inputs (XNOR)', () => {
  it('keeps it a float island between Dequantize and Quantize, so the int8 graph still computes on the sign', async () => {
    const r = rng(5);
    const b = new GraphBuilder('xnor-island');
    const h = b.node(
      'Dense',
      [b.input('x', [1, 8]), b.constant('w1', randn(r, 6 * 8, 0.5), [6, 8]), b.constant('b1', randn(r, 6, 0.1), [6])],
      {},
      'hidden',
    );
    b.output(
      b.node(
        'Dense',
        [h, b.constant('w2', randn(r, 3 * 6, 0.5), [3, 6]), b.constant('b2', randn(r, 3, 0.1), [3])],
        { binarizeInput: true },
        'out',
      ),
    );
    const g = b.build();
    const { ir: q } = await runPipeline(g, 'int8', { data: { calibration: samplesOf(6, 32, 8) } });
    const out = q.nodes.find((n) => n.outputs.includes('out/float'));
    expect(out?.op).toBe('Dense');
    expect(q.tensors[out!.inputs[0]].dtype).toBe('f32');
    expect((out!.attrs as { binarizeInput?: boolean }).binarizeInput).toBe(true);
    // The island sees the dequantized hidden layer, so its sign pattern (and so the output) follows the float graph's.
    for (const s of samplesOf(7, 8, 8)) {
      const f = runGraph(g, s).outputs.out;
      const xq = quantizeArray(s.x as Float32Array, q.tensors.x.quant!);
      const y = runGraph(q, { x: xq }).outputs.out;
      const yf = dequantizeArray(y as Int8Array, q.tensors.out.quant!);
      const tol = 2 * q.tensors.out.quant!.scale[0] + 0.3 * Math.max(...Array.from(f as Float32Array, Math.abs));
      for (let i = 0; i < 3; i++) expect(Math.abs(yf[i] - f[i])).toBeLessThanOrEqual(tol);
    }
  });
});
