// The kernel choices `--tune` times beyond a kernel set: which kernels each op offers a node under a set (its own
// first), that a chosen one is what the generated C calls, that every choice is bit-exact with the reference
// interpreter (host build, sanitizers on), and that a choice a node cannot take is refused.
import { describe, expect, it } from 'vitest';
import { generateModel, kernelChoices } from '../../src/codegen/generate.ts';
import type { KernelSet, LayerKernel } from '../../src/codegen/op-emitter.ts';
import { calibrate } from '../../src/compress/calibrate.ts';
import { quantizeGraphInt8 } from '../../src/compress/quantize-int8.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph, TensorData } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { randF32, rng } from './graphs.ts';
import { runOnHost } from './host-run.ts';

/** An int8 chain with one layer of each shape that has choices: a 3×3 conv over one input channel (few-channel), an
 *  unpadded 1×1 conv, a 3×3 conv over 8 channels, and a per-tensor fully connected layer. */
function chain(): { g: Graph; inputs: TensorData[] } {
  const r = rng(7);
  const b = new GraphBuilder('choices');
  const x = b.input('x', [1, 8, 8, 1]);
  const conv = (name: string, h: string, outC: number, k: number, inC: number, pad: number): string => {
    const w = b.constant(`${name}.weight`, randF32(r, outC * k * k * inC, -0.5, 0.5), [outC, k, k, inC]);
    const bias = b.constant(`${name}.bias`, randF32(r, outC, -0.1, 0.1), [outC]);
    return b.node('Conv2D', [h, w, bias], { pads: [pad, pad, pad, pad], activation: 'relu' }, name);
  };
  const c1 = conv('few', x, 8, 3, 1, 1);
  const c2 = conv('pointwise', c1, 8, 1, 8, 0);
  const c3 = conv('spatial', c2, 8, 3, 8, 1);
  const f = b.node('Reshape', [c3], { shape: [1, -1] }, 'flatten');
  const w = b.constant('fc.weight', randF32(r, 10 * 512, -0.1, 0.1), [10, 512]);
  const fc = b.node('Dense', [f, w, b.constant('fc.bias', randF32(r, 10, -0.1, 0.1), [10])], {}, 'fc');
  b.output(fc);
  const float = b.build();
  const samples = [0, 1, 2, 3].map((i) => ({ x: randF32(rng(100 + i), 64, 0, 1) }));
  const g = quantizeGraphInt8(float, calibrate(float, samples), { perChannel: false }).graph;
  const inputs = [5, 6].map((s) => Int8Array.from(randF32(rng(s), 64, -128, 127), Math.round));
  return { g, inputs };
}

describe('kernel choices (deploy --tune candidates beyond the kernel sets)', () => {
  const { g, inputs } = chain();
  const node = (name: string) => g.nodes.find((n) => n.name === name)!;
  const ref = inputs.map((x) => {
    const y = runGraph(g, { [g.inputs[0]]: x }).outputs[g.outputs[0]];
    return new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
  });

  it('each op offers its shapes’ kernels under a set, its own pick first', () => {
    expect(kernelChoices(g, node('few'), 'cortex-m-dsp')).toEqual([
      'tfg_conv2d_s8_fewch_dsp',
      'tfg_conv2d_s8_im2col_dsp',
      'tfg_conv2d_s8_dsp',
    ]);
    // The graph links the im2col kernel for "spatial", so the 1×1 conv runs on it too unless tuned otherwise.
    expect(kernelChoices(g, node('pointwise'), 'cortex-m-dsp')).toEqual([
      'tfg_conv2d_s8_im2col_dsp',
      'tfg_conv2d_s8_1x1_dsp',
      'tfg_conv2d_s8_dsp',
    ]);
    expect(kernelChoices(g, node('spatial'), 'cortex-m-dsp')).toEqual(['tfg_conv2d_s8_im2col_dsp', 'tfg_conv2d_s8_dsp']);
    expect(kernelChoices(g, node('fc'), 'cortex-m-dsp')).toEqual(['tfg_dense_s8_tensor_dsp', 'tfg_dense_s8_dsp']);
    expect(kernelChoices(g, node('few'), 'cortex-m-mla')).toEqual(['tfg_conv2d_s8_fewch_mla', 'tfg_conv2d_s8_im2col_mla']);
    expect(kernelChoices(g, node('spatial'), 'cortex-m-mla')).toEqual([]); // one kernel: nothing to choose
    expect(kernelChoices(g, node('fc'), 'cortex-m-mla')).toEqual([]);
    expect(kernelChoices(g, node('few'), 'reference')).toEqual([]);
    // The first choice is what a build without tuning calls.
    for (const set of ['cortex-m-dsp', 'cortex-m-mla'] as const) {
      const own = generateModel(g, { board: { kernels: set } }).nodeKernels;
      g.nodes.forEach((n, l) => {
        const choices = kernelChoices(g, n, set);
        if (choices.length > 0) expect(own[l], `${set} ${n.name}`).toBe(choices[0]);
      });
    }
  });

  it('every choice is the kernel the C calls, and bit-exact with the reference on the host', () => {
    for (const set of ['cortex-m-dsp', 'cortex-m-mla'] as KernelSet[]) {
      const choices = g.nodes.map((n) => kernelChoices(g, n, set));
      const builds = Math.max(...choices.map((c) => c.length));
      expect(builds).toBeGreaterThan(1);
      for (let k = 1; k < builds; k++) {
        const layerKernels: Record<string, LayerKernel> = {};
        g.nodes.forEach((n, l) => {
          if (choices[l].length > k) layerKernels[n.name] = { set, kernel: choices[l][k] };
        });
        const run = runOnHost(g, inputs, { board: { kernels: set }, layerKernels });
        g.nodes.forEach((n, l) => {
          if (choices[l].length > k) expect(run.gen.nodeKernels[l], `${set} #${k + 1} ${n.name}`).toBe(choices[l][k]);
        });
        run.outputs.forEach((out, i) => expect(out, `${set} #${k + 1}, input ${i}`).toEqual(ref[i]));
      }
    }
  }, 120_000);

  it('refuses a kernel a layer cannot run on under the chosen set, naming its choices', () => {
    const bad =
      (lk: LayerKernel, layer = 'pointwise') =>
      () =>
        generateModel(g, { board: { kernels: 'cortex-m-dsp' }, layerKernels: { [layer]: lk } });
    expect(bad({ set: 'cortex-m-mla', kernel: 'tfg_conv2d_s8_1x1_dsp' }, 'few')).toThrow(TinyforgeError);
    expect(bad({ set: 'cortex-m-mla', kernel: 'tfg_conv2d_s8_1x1_dsp' }, 'few')).toThrow(
      /its choices there are tfg_conv2d_s8_fewch_mla, tfg_conv2d_s8_im2col_mla/,
    );
    expect(bad({ set: 'cortex-m-mla', kernel: 'tfg_conv2d_s8_1x1_dsp' })).toThrow(/it has one kernel there/);
    expect(bad({ set: 'reference', kernel: 'tfg_conv2d_s8_dsp' })).toThrow(/it has one kernel there/);
    try {
      bad({ set: 'cortex-m-dsp', kernel: 'tfg_conv2d_s8_fewch_dsp' })();
      expect.unreachable();
    } catch (e) {
      expect((e as TinyforgeError).code).toBe('bad-argument');
      expect((e as TinyforgeError).diagnostic.location).toMatchObject({ field: '--kernels-from', node: 'pointwise' });
    }
  });
});
