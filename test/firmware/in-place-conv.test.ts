// Convolutions that write over their input: the DSP depthwise kernel at stride 1 (both its plane and row-ring paths),
// the MLA one (its row ring), and the GEMM kernels' unpadded 1×1 convs with as many output as input channels. The
// planner merges those buffers on the DSP and MLA kernel sets (not the reference one), and every layer's output stays
// the reference's on the host (ASan/UBSan), on the M4 (DSP) and on the M3 and M0 (MLA).
// Unfused and unbanded (fuse: false): a banded chain writes its layers into windows, never over their input.
import { describe, expect, it } from 'vitest';
import { generateModel } from '../../src/codegen/generate.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { q, qAxis, randI32, randI8, rng } from '../codegen/graphs.ts';
import { checkAgainstReference, randomInputs, VARIANTS } from './kernel-check.ts';
import { runOnQemu } from './qemu/qemu-run.ts';

/** x → 1×1 → depthwise 3×3 → 1×1 → depthwise 3×3 [→ 3×3 conv, which makes the 1×1s run on the im2col kernel]. */
function chain(h: number, w: number, c: number, tail3x3: boolean): Graph {
  const r = rng(h * 100 + w * 10 + c);
  const b = new GraphBuilder(`in-place ${h}x${w}x${c}${tail3x3 ? ' im2col' : ''}`);
  let scale = 0.05;
  let x = b.input('x', [1, h, w, c], 'i8', q(scale, 3));
  const layer = (name: string, depthwise: boolean, k: number) => {
    const wScales = Array.from({ length: c }, () => 0.004 + 0.02 * r());
    const shape = depthwise ? [1, k, k, c] : [c, k, k, c];
    const wt = b.constant(
      `${name}.w`,
      randI8(
        r,
        shape.reduce((a, d) => a * d, 1),
        -127,
        127,
      ),
      shape,
      qAxis(wScales, depthwise ? 3 : 0),
    );
    const bias = b.constant(
      `${name}.b`,
      randI32(r, c, -3000, 3000),
      [c],
      { scale: wScales.map((s) => Math.fround(s * scale)), zeroPoint: wScales.map(() => 0), axis: 0 },
      'i32',
    );
    const p = (k - 1) / 2;
    const common = { strides: [1, 1], dilations: [1, 1], pads: [p, p, p, p], activation: 'relu' };
    const attrs = depthwise ? { ...common, multiplier: 1 } : { ...common, groups: 1 };
    const outScale = 0.05 + 0.05 * r();
    x = b.node(depthwise ? 'DepthwiseConv2D' : 'Conv2D', [x, wt, bias], attrs as never, { name, dtype: 'i8', quant: q(outScale, -20) });
    scale = Math.fround(outScale);
  };
  layer('pw0', false, 1);
  layer('dw1', true, 3);
  layer('pw1', false, 1);
  layer('dw2', true, 3);
  if (tail3x3) layer('conv3', false, 3);
  b.output(x);
  return b.build();
}

const CASES: [number, number, number, boolean][] = [
  [25, 5, 8, false], // the depthwise plane path (≥ 64 outputs per channel), 1×1 on its own kernel
  [4, 4, 6, false], // the row-ring path, channels not a multiple of 4
  [9, 8, 8, true], // the 1×1s on the im2col kernel
];

describe('in-place convolutions', () => {
  for (const [h, w, c, tail] of CASES) {
    it(`${h}×${w}×${c}${tail ? ' with a 3×3 tail' : ''}: merged on the DSP and MLA sets, every layer the reference's`, () => {
      const g = chain(h, w, c, tail);
      const ref = generateModel(g, { board: { kernels: 'reference' }, fuse: false }).plan;
      for (const kernels of ['cortex-m-dsp', 'cortex-m-mla']) {
        const plan = generateModel(g, { board: { kernels }, fuse: false }).plan;
        // pw0 reads the caller's input buffer; dw1, pw1 and dw2 each write over the tensor they read.
        expect(plan.bufferOf.dw1, kernels).toBe(plan.bufferOf.pw0);
        expect(plan.bufferOf.pw1, kernels).toBe(plan.bufferOf.pw0);
      }
      expect(ref.bufferOf.dw1).not.toBe(ref.bufferOf.pw0);
      checkAgainstReference(g, { variants: [...VARIANTS, 'cortex-m-mla'], samples: 3, layers: true, fuse: false });
    });
  }

  for (const [kernels, target, cases] of [
    ['cortex-m-dsp', 'mps2-an386', [CASES[0], CASES[2]]], // plane path and im2col 1×1s on the M4
    ['cortex-m-mla', 'mps2-an385', [CASES[1]]], // the MLA row ring with a partial channel group on the M3
    ['cortex-m-mla', 'mps2-an385-armv6m', [CASES[0]]], // and on the M0
  ] as const)
    it(`${kernels} on ${target}: identical bytes to the reference`, () => {
      for (const [h, w, c, tail] of cases) {
        const g = chain(h, w, c, tail);
        const inputs = randomInputs(g, 2, 5);
        const run = runOnQemu(generateModel(g, { board: { kernels }, fuse: false }), inputs, target);
        inputs.forEach((x, i) => {
          const want = runGraph(g, { x }).outputs[g.outputs[0]] as Int8Array;
          expect(Array.from(new Int8Array(run.outputs[i].buffer, run.outputs[i].byteOffset, run.outputs[i].byteLength))).toEqual(
            Array.from(want),
          );
        });
      }
    });
});
