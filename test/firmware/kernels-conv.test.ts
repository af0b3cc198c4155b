// Conv2D and DepthwiseConv2D kernels (float and int8, reference, DSP and MLA variants) against the TS reference:
// strides, asymmetric pads, dilation, groups, 1×1, depth multiplier, zero points at the extremes, saturation.
import { describe, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Activation, ConvAttrs, Graph } from '../../src/ir/graph.ts';
import { q, qAxis, randF32, randI32, randI8, rng } from '../codegen/graphs.ts';
import { checkAgainstReference, VARIANTS } from './kernel-check.ts';

interface ConvCase {
  name: string;
  input: [number, number, number, number];
  outC: number;
  k: [number, number];
  attrs: Partial<ConvAttrs>;
  bias?: boolean;
  inZp?: number;
  outZp?: number;
  outScale?: number;
  /** The kernel the cortex-m-dsp codegen must pick for the int8 case (proves each variant runs). */
  dsp?: string;
  /** Channel 0 dead (zero weights, bias 2^30, as in VWW) and channel 1 with a bias near 2^30: the DSP requantization
   *  cannot prove its SMMULR bound for them and must take the general path. */
  hugeBias?: boolean;
  /** Input scale 0.5, channel 0's weight scale 0.25 and output scale 1: its multiplier is exactly 2^30 (with a right
   *  shift), which the DSP depthwise block passes leave to the general C loop. */
  pow2Channel0?: boolean;
}

function convGraph(c: ConvCase, int8: boolean, depthwise = false, multiplier = 1): Graph {
  const r = rng(c.name.length * 31 + (int8 ? 1 : 0));
  const b = new GraphBuilder(`${depthwise ? 'dw' : 'conv'} ${c.name} ${int8 ? 's8' : 'f32'}`);
  const inC = c.input[3];
  const groups = c.attrs.groups ?? 1;
  const outC = depthwise ? inC * multiplier : c.outC;
  const wShape = depthwise ? [1, c.k[0], c.k[1], outC] : [outC, c.k[0], c.k[1], inC / groups];
  const wCount = wShape.reduce((a, d) => a * d, 1);
  const act: Activation = c.attrs.activation ?? 'none';
  const attrs = depthwise
    ? {
        strides: c.attrs.strides ?? [1, 1],
        dilations: c.attrs.dilations ?? [1, 1],
        pads: c.attrs.pads ?? [0, 0, 0, 0],
        activation: act,
        multiplier,
      }
    : c.attrs;
  const op = depthwise ? 'DepthwiseConv2D' : 'Conv2D';
  if (!int8) {
    const x = b.input('x', c.input);
    const w = b.constant('w', randF32(r, wCount, -0.5, 0.5), wShape);
    const bias = c.bias === false ? '' : b.constant('b', randF32(r, outC, -0.2, 0.2), [outC]);
    b.output(b.node(op, [x, w, bias], attrs as never, 'y'));
    return b.build();
  }
  const inScale = c.pow2Channel0 ? 0.5 : 0.05;
  const x = b.input('x', c.input, 'i8', q(inScale, c.inZp ?? 3));
  const wScales = Array.from({ length: outC }, () => 0.002 + 0.02 * r());
  if (c.pow2Channel0) wScales[0] = 0.25;
  const wData = randI8(r, wCount, -127, 127);
  const bData = randI32(r, outC, -3000, 3000);
  if (c.hugeBias) {
    for (let i = 0; i < wCount / outC; i++) wData[depthwise ? i * outC : i] = 0;
    bData[0] = 2 ** 30;
    bData[1] = 2 ** 30 - 2000;
  }
  const w = b.constant('w', wData, wShape, qAxis(wScales, depthwise ? 3 : 0));
  const bias =
    c.bias === false
      ? ''
      : b.constant(
          'b',
          bData,
          [outC],
          { scale: wScales.map((s) => Math.fround(s * inScale)), zeroPoint: wScales.map(() => 0), axis: 0 },
          'i32',
        );
  b.output(b.node(op, [x, w, bias], attrs as never, { name: 'y', dtype: 'i8', quant: q(c.outScale ?? 0.08, c.outZp ?? -7) }));
  return b.build();
}

const CASES: ConvCase[] = [
  {
    name: '3x3 same',
    input: [1, 6, 6, 3],
    outC: 4,
    k: [3, 3],
    attrs: { pads: [1, 1, 1, 1], activation: 'relu' },
    dsp: 'tfg_conv2d_s8_fewch_dsp',
  },
  {
    name: 'stride 2 asymmetric pads',
    input: [1, 7, 6, 5],
    outC: 3,
    k: [3, 2],
    attrs: { strides: [2, 2], pads: [0, 1, 1, 0] },
    dsp: 'tfg_conv2d_s8_im2col_dsp',
  },
  {
    name: 'dilation 2',
    input: [1, 8, 7, 4],
    outC: 5,
    k: [3, 3],
    attrs: { dilations: [2, 2], pads: [2, 1, 2, 1], activation: 'relu6' },
    dsp: 'tfg_conv2d_s8_im2col_dsp',
  },
  { name: 'groups 2', input: [1, 5, 5, 8], outC: 6, k: [3, 3], attrs: { groups: 2, pads: [1, 1, 1, 1] }, dsp: 'tfg_conv2d_s8_dsp' },
  { name: '1x1 batch 2 no bias', input: [2, 4, 4, 12], outC: 7, k: [1, 1], attrs: {}, bias: false, dsp: 'tfg_conv2d_s8_1x1_dsp' },
  {
    name: '1x1 stride 2 odd pixels',
    input: [1, 5, 5, 6],
    outC: 5,
    k: [1, 1],
    attrs: { strides: [2, 2] },
    inZp: -128,
    dsp: 'tfg_conv2d_s8_1x1_dsp',
  },
  { name: '1x1 padded', input: [1, 3, 3, 5], outC: 4, k: [1, 1], attrs: { pads: [1, 0, 0, 1] }, dsp: 'tfg_conv2d_s8_im2col_dsp' },
  {
    name: 'extreme zero points',
    input: [1, 5, 5, 3],
    outC: 2,
    k: [3, 3],
    attrs: { pads: [1, 1, 1, 1] },
    inZp: -128,
    outZp: 127,
    dsp: 'tfg_conv2d_s8_fewch_dsp',
  },
  {
    name: 'saturating',
    input: [1, 4, 4, 9],
    outC: 3,
    k: [2, 2],
    attrs: {},
    inZp: 127,
    outZp: -128,
    outScale: 0.0005,
    dsp: 'tfg_conv2d_s8_im2col_dsp',
  },
  {
    name: 'im2col at its limit (K = 576)',
    input: [1, 4, 3, 64],
    outC: 3,
    k: [3, 3],
    attrs: { pads: [1, 1, 1, 1] },
    dsp: 'tfg_conv2d_s8_im2col_dsp',
  },
  {
    name: '1x1 dead channel bias 2^30',
    input: [1, 3, 4, 8],
    outC: 5,
    k: [1, 1],
    attrs: {},
    hugeBias: true,
    outScale: 10000,
    dsp: 'tfg_conv2d_s8_1x1_dsp',
  },
  {
    name: '3x3 dead channel bias 2^30',
    input: [1, 4, 4, 3],
    outC: 4,
    k: [3, 3],
    attrs: { pads: [1, 1, 1, 1] },
    hugeBias: true,
    outScale: 10000,
    dsp: 'tfg_conv2d_s8_fewch_dsp',
  },
  {
    name: 'field past the im2col limit',
    input: [1, 3, 3, 65],
    outC: 2,
    k: [3, 3],
    attrs: { pads: [1, 1, 1, 1] },
    dsp: 'tfg_conv2d_s8_dsp',
  },
  // few input channels (first layers): whole words and tails of the window rows, borders on every side, odd sizes
  {
    name: '1 channel 3x3 same, odd size (MNIST-like)',
    input: [1, 7, 9, 1],
    outC: 5,
    k: [3, 3],
    attrs: { pads: [1, 1, 1, 1], activation: 'relu' },
    dsp: 'tfg_conv2d_s8_fewch_dsp',
  },
  {
    // the padded last word of the last window's last row would read past the image: that window goes tap by tap
    name: '1 channel 3x3 unpadded, batch 2',
    input: [2, 6, 7, 1],
    outC: 4,
    k: [3, 3],
    attrs: {},
    dsp: 'tfg_conv2d_s8_fewch_dsp',
  },
  {
    name: '1 channel 10x4 stride 2 uneven pads (KWS-like)',
    input: [2, 15, 9, 1],
    outC: 6,
    k: [10, 4],
    attrs: { strides: [2, 2], pads: [4, 1, 5, 2] },
    inZp: -128,
    dsp: 'tfg_conv2d_s8_fewch_dsp',
  },
  {
    name: '3 channels 3x3 stride 2 (VWW-like), odd size',
    input: [1, 11, 9, 3],
    outC: 8,
    k: [3, 3],
    attrs: { strides: [2, 2], pads: [0, 0, 1, 1], activation: 'relu6' },
    dsp: 'tfg_conv2d_s8_fewch_dsp',
  },
  {
    name: '3 channels 3x3 stride 1 pads on all sides, dilation 2 in height',
    input: [1, 6, 5, 3],
    outC: 3,
    k: [3, 3],
    attrs: { dilations: [2, 1], pads: [2, 1, 1, 2] },
    inZp: 127,
    outZp: 100,
    dsp: 'tfg_conv2d_s8_fewch_dsp',
  },
  {
    name: '2 channels 5x5 window wider than the image, no bias',
    input: [1, 4, 3, 2],
    outC: 4,
    k: [5, 5],
    attrs: { pads: [2, 2, 2, 2] },
    bias: false,
    dsp: 'tfg_conv2d_s8_fewch_dsp',
  },
  {
    name: '3 channels 2x2 stride 2 unpadded, dead channel',
    input: [1, 8, 6, 3],
    outC: 4,
    k: [2, 2],
    attrs: { strides: [2, 2] },
    hugeBias: true,
    outScale: 10000,
    dsp: 'tfg_conv2d_s8_fewch_dsp',
  },
  {
    name: '1 channel 3x3 dilation 2 in width (im2col kernel)',
    input: [1, 7, 7, 1],
    outC: 3,
    k: [3, 3],
    attrs: { dilations: [1, 2], pads: [1, 2, 1, 2] },
    dsp: 'tfg_conv2d_s8_im2col_dsp',
  },
];

/** The kernel the cortex-m-mla codegen picks where the DSP one would pick c.dsp: the MLA GEMM kernel for both GEMM shapes,
 *  the MLA few-channel one for the DSP one's. */
const mlaConv = (dsp: string) =>
  dsp === 'tfg_conv2d_s8_dsp'
    ? 'tfg_conv2d_s8'
    : dsp === 'tfg_conv2d_s8_fewch_dsp'
      ? 'tfg_conv2d_s8_fewch_mla'
      : 'tfg_conv2d_s8_im2col_mla';

describe('conv kernels', () => {
  for (const c of CASES) {
    it(`Conv2D ${c.name}: float and int8 (every variant)`, () => {
      checkAgainstReference(convGraph(c, false));
      checkAgainstReference(convGraph(c, true), {
        variants: [...VARIANTS, 'cortex-m-mla'],
        samples: 3,
        expectKernels: { reference: ['tfg_conv2d_s8'], 'cortex-m-dsp': [c.dsp!], 'cortex-m-mla': [mlaConv(c.dsp!)] },
      });
    });
  }
  const dw: [ConvCase, number][] = [
    [{ name: 'dw 3x3 same', input: [1, 6, 6, 4], outC: 0, k: [3, 3], attrs: { pads: [1, 1, 1, 1], activation: 'relu' } }, 1],
    [{ name: 'dw multiplier 2 stride 2', input: [1, 7, 7, 3], outC: 0, k: [3, 3], attrs: { strides: [2, 2], pads: [1, 0, 1, 1] } }, 2],
    [
      {
        name: 'dw dilation extreme zp',
        input: [1, 8, 8, 2],
        outC: 0,
        k: [3, 3],
        attrs: { dilations: [2, 2], pads: [2, 2, 2, 2] },
        inZp: -128,
        outZp: 127,
      },
      1,
    ],
    [
      {
        name: 'dw 6 channels stride 2 (4 + 2 remainder)',
        input: [1, 7, 6, 6],
        outC: 0,
        k: [3, 3],
        attrs: { strides: [2, 2], pads: [1, 1, 1, 1], activation: 'relu6' },
        inZp: 127,
      },
      1,
    ],
    [{ name: 'dw 5x5 window over a 3x3 image', input: [1, 3, 3, 8], outC: 0, k: [5, 5], attrs: { pads: [2, 2, 2, 2] }, bias: false }, 1],
    [
      {
        name: 'dw dead channel bias 2^30',
        input: [1, 5, 5, 8],
        outC: 0,
        k: [3, 3],
        attrs: { pads: [1, 1, 1, 1] },
        hugeBias: true,
        outScale: 10000,
      },
      1,
    ],
    [
      {
        name: 'dw 3x3 stride 1 plane, transposed walk, odd width, uneven pads, 5 channels, batch 2',
        input: [2, 10, 9, 5],
        outC: 0,
        k: [3, 3],
        attrs: { pads: [2, 0, 1, 1], activation: 'relu6' },
        inZp: -128,
      },
      1,
    ],
    [
      {
        name: 'dw 3x3 stride 1 plane, 8×12 same',
        input: [1, 8, 12, 6],
        outC: 0,
        k: [3, 3],
        attrs: { pads: [1, 1, 1, 1], activation: 'relu' },
      },
      1,
    ],
    [
      {
        name: 'dw 3x3 stride 1 plane, dead channel bias 2^30',
        input: [1, 8, 8, 8],
        outC: 0,
        k: [3, 3],
        attrs: { pads: [1, 1, 1, 1] },
        hugeBias: true,
        outScale: 10000,
      },
      1,
    ],
    [
      {
        name: 'dw 3x3 stride 1 blocks: odd line count and length, 7 channels (pair fills + one), pads on all sides',
        input: [1, 9, 11, 7],
        outC: 0,
        k: [3, 3],
        attrs: { pads: [1, 1, 1, 1] },
        inZp: -5,
      },
      1,
    ],
    [
      {
        name: 'dw 3x3 stride 1 blocks: transposed walk, even line count and length, relu at -128, batch 2, uneven pads',
        input: [2, 12, 8, 4],
        outC: 0,
        k: [3, 3],
        attrs: { pads: [0, 1, 2, 1], activation: 'relu' },
        outZp: -128,
      },
      1,
    ],
    [
      {
        name: 'dw 3x3 stride 1 blocks: transposed walk, odd line length, no pad, saturating',
        input: [1, 13, 10, 6],
        outC: 0,
        k: [3, 3],
        attrs: {},
        outScale: 0.002,
        inZp: 127,
      },
      1,
    ],
    [{ name: 'dw 3x3 stride 1 blocks: 3×3 output, 9 channels', input: [1, 3, 3, 9], outC: 0, k: [3, 3], attrs: { pads: [1, 1, 1, 1] } }, 1],
    [{ name: 'dw 3x3 stride 1 blocks: 2×5 output (one block pass)', input: [1, 4, 7, 3], outC: 0, k: [3, 3], attrs: {} }, 1],
    [
      {
        name: 'dw 3x3 stride 1 blocks: one line of 9 outputs, transposed',
        input: [1, 9, 1, 4],
        outC: 0,
        k: [3, 3],
        attrs: { pads: [1, 1, 1, 1] },
      },
      1,
    ],
    [
      {
        name: 'dw 3x3 stride 1 blocks: a multiplier of exactly 2^30 next to ordinary ones',
        input: [1, 10, 9, 5],
        outC: 0,
        k: [3, 3],
        attrs: { pads: [1, 1, 1, 1] },
        outScale: 1,
        pow2Channel0: true,
      },
      1,
    ],
    [
      {
        name: 'dw 2x3 interior and border, 20 channels (a 16-channel chunk + 4)',
        input: [1, 7, 6, 20],
        outC: 0,
        k: [2, 3],
        attrs: { pads: [1, 1, 0, 2], activation: 'relu' },
        inZp: 127,
      },
      1,
    ],
    [
      {
        name: 'dw 3x3 stride 2, 33 channels (two chunks + 1), asymmetric pads',
        input: [1, 9, 8, 33],
        outC: 0,
        k: [3, 3],
        attrs: { strides: [2, 2], pads: [0, 1, 1, 0] },
        inZp: -128,
      },
      1,
    ],
    [
      { name: 'dw 3x3 no pad 16 channels saturating', input: [1, 5, 4, 16], outC: 0, k: [3, 3], attrs: {}, outScale: 0.001, outZp: -128 },
      1,
    ],
  ];
  for (const [c, m] of dw) {
    it(`DepthwiseConv2D ${c.name}: float and int8`, () => {
      checkAgainstReference(convGraph(c, false, true, m));
      const fast = m === 1 && !c.attrs.dilations;
      checkAgainstReference(convGraph(c, true, true, m), {
        variants: [...VARIANTS, 'cortex-m-mla'],
        samples: 3,
        expectKernels: {
          reference: ['tfg_depthwise_conv2d_s8'],
          'cortex-m-dsp': [fast ? 'tfg_depthwise_conv2d_s8_dsp' : 'tfg_depthwise_conv2d_s8'],
          'cortex-m-mla': [fast ? 'tfg_depthwise_conv2d_s8_mla' : 'tfg_depthwise_conv2d_s8'],
        },
      });
    });
  }
});
