// Property check of every int8 kernel against the float reference kernels (an independent oracle): on random int8
// data and random quantization, the int8 result must be within one step of round(float result on dequantized
// inputs / s_out) + zp. Catches wrong offsets, axes, layouts and multipliers that hand goldens could share.
import { describe, expect, it } from 'vitest';
import type { Node, OpAttrs, OpType, QuantParams, Tensor } from '../../src/ir/graph.ts';
import type { Value } from '../../src/reference/kernel.ts';
import { floatKernels } from '../../src/reference/float/index.ts';
import { int8Kernels } from '../../src/reference/int8/index.ts';
import { quantizeWeightsPerChannel, quantizeBias } from '../../src/compress/quant-params.ts';
import { dequantizeValue, quantizeValue } from '../../src/reference/quant.ts';

function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

interface Case {
  op: OpType;
  attrs: unknown;
  inputs: { shape: number[]; kind: 'act' | 'weight' | 'bias'; axis?: number }[];
  out: number[];
  /** Output quant: 'free' = from the float output range, 'input' = same as input 0, 'softmax'. */
  outQuant?: 'free' | 'input' | 'softmax';
  tolerance?: number;
}

const conv = { strides: [2, 1], dilations: [1, 2], pads: [1, 2, 0, 1], groups: 1, activation: 'relu' };
const cases: Case[] = [
  {
    op: 'Dense',
    attrs: { activation: 'none' },
    inputs: [
      { shape: [2, 20], kind: 'act' },
      { shape: [7, 20], kind: 'weight', axis: 0 },
      { shape: [7], kind: 'bias' },
    ],
    out: [2, 7],
  },
  {
    op: 'Conv2D',
    attrs: conv,
    inputs: [
      { shape: [1, 7, 6, 3], kind: 'act' },
      { shape: [4, 3, 2, 3], kind: 'weight', axis: 0 },
      { shape: [4], kind: 'bias' },
    ],
    out: [1, 4, 6, 4],
  },
  {
    op: 'Conv2D',
    attrs: { ...conv, groups: 2, strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1], activation: 'relu6' },
    inputs: [
      { shape: [1, 5, 5, 4], kind: 'act' },
      { shape: [6, 3, 3, 2], kind: 'weight', axis: 0 },
      { shape: [6], kind: 'bias' },
    ],
    out: [1, 5, 5, 6],
  },
  {
    op: 'DepthwiseConv2D',
    attrs: { strides: [1, 2], dilations: [1, 1], pads: [1, 1, 1, 1], multiplier: 2, activation: 'none' },
    inputs: [
      { shape: [1, 6, 6, 3], kind: 'act' },
      { shape: [1, 3, 3, 6], kind: 'weight', axis: 3 },
      { shape: [6], kind: 'bias' },
    ],
    out: [1, 6, 3, 6],
  },
  {
    op: 'MaxPool',
    attrs: { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], activation: 'none' },
    inputs: [{ shape: [1, 7, 7, 2], kind: 'act' }],
    out: [1, 4, 4, 2],
    outQuant: 'input',
    tolerance: 0,
  },
  {
    op: 'AveragePool',
    attrs: { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], countIncludePad: false, activation: 'none' },
    inputs: [{ shape: [1, 7, 7, 2], kind: 'act' }],
    out: [1, 4, 4, 2],
    outQuant: 'input',
  },
  {
    op: 'AveragePool',
    attrs: { kernel: [2, 2], strides: [1, 1], pads: [0, 0, 1, 1], countIncludePad: true, activation: 'none' },
    inputs: [{ shape: [1, 3, 3, 2], kind: 'act' }],
    out: [1, 3, 3, 2],
    outQuant: 'input',
  },
  { op: 'GlobalAveragePool', attrs: {}, inputs: [{ shape: [2, 5, 3, 4], kind: 'act' }], out: [2, 1, 1, 4] },
  {
    op: 'Add',
    attrs: { activation: 'none' },
    inputs: [
      { shape: [1, 4, 3], kind: 'act' },
      { shape: [3], kind: 'act' },
    ],
    out: [1, 4, 3],
  },
  {
    op: 'Sub',
    attrs: { activation: 'relu' },
    inputs: [
      { shape: [2, 1, 3], kind: 'act' },
      { shape: [1, 4, 3], kind: 'act' },
    ],
    out: [2, 4, 3],
  },
  {
    op: 'Mul',
    attrs: { activation: 'none' },
    inputs: [
      { shape: [2, 3, 4], kind: 'act' },
      { shape: [2, 1, 4], kind: 'act' },
    ],
    out: [2, 3, 4],
  },
  {
    op: 'Concat',
    attrs: { axis: 1 },
    inputs: [
      { shape: [2, 3, 2], kind: 'act' },
      { shape: [2, 1, 2], kind: 'act' },
    ],
    out: [2, 4, 2],
  },
  { op: 'Relu', attrs: {}, inputs: [{ shape: [30], kind: 'act' }], out: [30] },
  { op: 'Clip', attrs: { min: -0.5, max: 0.7 }, inputs: [{ shape: [30], kind: 'act' }], out: [30] },
  { op: 'Softmax', attrs: { axis: -1, beta: 1 }, inputs: [{ shape: [3, 10], kind: 'act' }], out: [3, 10], outQuant: 'softmax' },
  {
    op: 'Transpose',
    attrs: { perm: [2, 0, 1] },
    inputs: [{ shape: [2, 3, 4], kind: 'act' }],
    out: [4, 2, 3],
    outQuant: 'input',
    tolerance: 0,
  },
  {
    op: 'Pad',
    attrs: { pads: [0, 1, 2, 1, 0, 0], value: 0 },
    inputs: [{ shape: [2, 3, 2], kind: 'act' }],
    out: [3, 4, 4],
    outQuant: 'input',
    tolerance: 0,
  },
];

function randomQuant(r: () => number): QuantParams {
  return { scale: [Math.fround(0.005 + r() * 0.1)], zeroPoint: [Math.floor(r() * 200) - 100] };
}

describe.each(cases)('$op int8 vs float oracle', (c) => {
  it('is within one quantization step on 20 random draws', () => {
    const r = rng(c.op.length * 7919 + c.inputs.length);
    for (let draw = 0; draw < 20; draw++) {
      const qIn: Value[] = [];
      const fIn: Value[] = [];
      c.inputs.forEach((spec, k) => {
        const n = spec.shape.reduce((a, b) => a * b, 1);
        const name = `in${k}`;
        if (spec.kind === 'act') {
          const quant = randomQuant(r);
          const q = Int8Array.from({ length: n }, () => Math.floor(r() * 256) - 128);
          qIn.push({ name, shape: spec.shape, dtype: 'i8', data: q, quant });
          fIn.push({
            name,
            shape: spec.shape,
            dtype: 'f32',
            data: Float32Array.from(q, (v) => dequantizeValue(v, quant.scale[0], quant.zeroPoint[0])),
          });
        } else if (spec.kind === 'weight') {
          const w = Float32Array.from({ length: n }, () => r() * 2 - 1);
          const { data, quant } = quantizeWeightsPerChannel(w, spec.shape, spec.axis!);
          const channels = spec.shape[spec.axis!];
          const inner = spec.shape.slice(spec.axis! + 1).reduce((a, b) => a * b, 1);
          qIn.push({ name, shape: spec.shape, dtype: 'i8', data, quant });
          fIn.push({
            name,
            shape: spec.shape,
            dtype: 'f32',
            data: Float32Array.from(data, (v, i) => v * quant.scale[Math.floor(i / inner) % channels]),
          });
        } else {
          const b = Float32Array.from({ length: n }, () => r() * 2 - 1);
          const w = qIn[1];
          const { data, quant } = quantizeBias(b, qIn[0].quant!.scale[0], w.quant!.scale);
          qIn.push({ name, shape: spec.shape, dtype: 'i32', data, quant });
          // the exact real value the int8 kernel sees: q · s_in · s_w (double)
          fIn.push({
            name,
            shape: spec.shape,
            dtype: 'f32',
            data: Float32Array.from(data, (v, i) => v * qIn[0].quant!.scale[0] * w.quant!.scale[i]),
          });
        }
      });
      const node = {
        name: `n_${c.op}`,
        op: c.op,
        inputs: qIn.map((v) => v.name),
        outputs: ['y'],
        attrs: c.attrs as OpAttrs[typeof c.op],
      } as Node;
      const real = floatKernels[c.op](node, fIn, [{ name: 'y', shape: c.out, dtype: 'f32' }])[0] as Float32Array;
      let outQuant: QuantParams;
      if (c.outQuant === 'input') outQuant = qIn[0].quant!;
      else if (c.outQuant === 'softmax') outQuant = { scale: [1 / 256], zeroPoint: [-128] };
      else {
        const lo = Math.min(0, ...real);
        const hi = Math.max(0, ...real);
        const s = Math.fround(Math.max(hi - lo, 1e-3) / 255);
        outQuant = { scale: [s], zeroPoint: [Math.max(-128, Math.min(127, Math.round(-128 - lo / s)))] };
      }
      const out: Tensor = { name: 'y', shape: c.out, dtype: 'i8', quant: outQuant };
      const got = int8Kernels[c.op]!(node, qIn, [out])[0] as Int8Array;
      expect(got.length).toBe(real.length);
      const tol = c.tolerance ?? 1;
      for (let i = 0; i < got.length; i++) {
        const want = quantizeValue(real[i], outQuant.scale[0], outQuant.zeroPoint[0]);
        if (Math.abs(got[i] - want) > tol) {
          throw new Error(`${c.op} draw ${draw} element ${i}: int8 ${got[i]}, float oracle ${real[i]} → ${want}`);
        }
      }
    }
  });
});
