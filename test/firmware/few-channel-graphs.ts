// The int8 graphs of the few-input-channel conv kernels' board tests (tfg_conv2d_s8_fewch_dsp / _mla): every path of
// their gather on odd sizes — padded row words (1 channel, 3 wide), words and a tail (3 channels, 3 and 2 wide), strides
// 1 and 2, padding on every side, the KWS first layer's 10×4 window.
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { ConvAttrs, Graph } from '../../src/ir/graph.ts';
import { q, qAxis, randI32, randI8, rng } from '../codegen/graphs.ts';

type Layer = [name: string, outC: number, k: [number, number], attrs: Partial<ConvAttrs>];

function chain(name: string, input: [number, number, number, number], inZp: number, layers: Layer[], seed: number): Graph {
  const r = rng(seed);
  const b = new GraphBuilder(name);
  let scale = 0.05;
  let h = b.input('x', input, 'i8', q(scale, inZp));
  let c = input[3];
  for (const [layer, outC, [kH, kW], attrs] of layers) {
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
    h = b.node('Conv2D', [h, w, bias], { groups: 1, ...attrs }, { name: layer, dtype: 'i8', quant: q(outScale, -20) });
    scale = Math.fround(outScale);
    c = outC;
  }
  b.output(h);
  return b.build();
}

/** 1 → 3 channels 3×3 same, 3 → 3 3×3 stride 2 with asymmetric pads, 3 → 8 2×2 padded top-left: all three layers on
 *  the few-channel kernel, none of their pixel counts a multiple of 4. */
export function fewChannelChain(): Graph {
  return chain(
    'int8 few-channel chain',
    [1, 13, 11, 1],
    -128,
    [
      ['f1', 3, [3, 3], { pads: [1, 1, 1, 1], activation: 'relu' }],
      ['f2', 3, [3, 3], { strides: [2, 2], pads: [0, 1, 1, 0], activation: 'relu6' }],
      ['f3', 8, [2, 2], { pads: [1, 1, 0, 0] }],
    ],
    51,
  );
}

/** The KWS first layer's shape: 1 channel, 10×4 window, stride 2, uneven pads. */
export function fewChannelKws(): Graph {
  return chain(
    'int8 few-channel 10x4',
    [1, 21, 9, 1],
    5,
    [['k1', 12, [10, 4], { strides: [2, 2], pads: [4, 1, 5, 2], activation: 'relu' }]],
    53,
  );
}
