// Recipe validation: unknown steps, unknown or out-of-range parameters and unknown presets are rejected up front;
// a layer a step cannot compress stops the recipe by name unless the step says on_unsupported: 'skip'.
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { presets, resolveRecipe, runPipeline, validateRecipe } from '../../src/compress/pipeline.ts';
import { cnn, mlp } from './prune-fixtures.ts';
import { createLog } from '../../src/compress/pass.ts';
import { errorOf } from '../errors.ts';

const tiny = () => {
  const b = new GraphBuilder('tiny');
  b.output(b.node('Relu', [b.input('x', [1, 4])], {}, 'y'));
  return b.build();
};

describe('recipes', () => {
  it('fills defaults', () => {
    expect(validateRecipe([{ step: 'quantize-int8', percentile: 99.99 }])).toEqual([
      { percentile: 99.99, samples: 100, fuse: true, weights: 'per-channel', recurrent: 'int8', on_unsupported: 'stop' },
    ]);
    expect(resolveRecipe('int8')).toEqual([{ step: 'quantize-int8' }]);
  });

  it('lists every problem at once, with the valid range', () => {
    const e = errorOf(() =>
      validateRecipe([
        { step: 'quantize-int8', percentile: 120, samples: 2.5, colour: 'red' },
        { step: 'prune-magic' },
        { step: 'quantize-int8', fuse: 'yes', weights: 'per-row', recurrent: 'int16' },
      ]),
    );
    expect(e.code).toBe('bad-recipe');
    expect(e.message).toMatch(/7 problems/);
    const notes = e.diagnostic.notes!.join('\n');
    expect(notes).toContain('percentile = 120 must be a number in [90, 100] (default 100)');
    expect(notes).toContain('samples = 2.5 must be an integer in [1, 100000]');
    expect(notes).toContain('unknown parameter "colour"; accepted: percentile, samples, fuse, weights, recurrent, on_unsupported');
    expect(notes).toContain('step 2: unknown step "prune-magic"; known steps: quantize-int8');
    expect(notes).toContain('fuse = "yes" must be true or false');
    expect(notes).toContain(`weights = "per-row" must be one of 'per-channel', 'per-tensor' (default 'per-channel')`);
    expect(notes).toContain(`recurrent = "int16" must be one of 'int8', 'float' (default 'int8')`);
  });

  it('deep-compression on a convolutional model runs the preset tuned for CNNs, on a dense one its own', () => {
    expect(resolveRecipe('deep-compression', cnn(1))).toEqual(presets['deep-compression-cnn']);
    expect(resolveRecipe('deep-compression', mlp(1))).toEqual(presets['deep-compression']);
    expect(resolveRecipe('deep-compression-cnn', mlp(1))).toEqual(presets['deep-compression-cnn']);
    expect(resolveRecipe('int8', cnn(1))).toEqual(presets.int8);
  });

  it('the presets tuned on the examples fine-tune on the whole MNIST training split, not the 10,000-sample default', () => {
    for (const name of ['prune-structured', 'deep-compression', 'deep-compression-cnn']) {
      const steps = resolveRecipe(name);
      validateRecipe(steps).forEach((p, i) => {
        if (Number(p.epochs ?? 0) > 0)
          expect({ preset: name, step: steps[i]!.step, samples: p.samples }).toEqual({
            preset: name,
            step: steps[i]!.step,
            samples: 60000,
          });
      });
    }
  });

  it('rejects before running anything, and unknown presets', async () => {
    // No calibration data: if the first step ran we would see 'no-calibration-data' instead.
    await expect(runPipeline(tiny(), [{ step: 'quantize-int8' }, { step: 'nope' }])).rejects.toMatchObject({ code: 'bad-recipe' });
    expect(errorOf(() => resolveRecipe('int3')).diagnostic.notes![0]).toMatch(/^presets: none, int8, /);
  });

  it('an empty recipe returns the graph with ratio 1', async () => {
    const g = tiny();
    const { ir, compression } = await runPipeline(g, 'none');
    expect(ir).toBe(g);
    expect(compression).toEqual({
      steps: [],
      params_before: 0,
      macs_before: 0,
      bytes_before: 0,
      original_bytes: 0,
      compressed_bytes: 0,
      ratio: 1,
      source: null,
      layers: [],
    });
  });
});

/** conv → depthwise → dense, with weights from a fixed pattern: a graph with one layer no low-bit kernel exists for. */
function withDepthwise() {
  const b = new GraphBuilder('with-depthwise');
  const w = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => (((i * 7 + k) % 11) - 5) / 10);
  const opts = {
    strides: [1, 1] as [number, number],
    dilations: [1, 1] as [number, number],
    pads: [1, 1, 1, 1] as [number, number, number, number],
    activation: 'relu' as const,
  };
  let h = b.node(
    'Conv2D',
    [b.input('x', [1, 4, 4, 1]), b.constant('c.w', w(36, 1), [4, 3, 3, 1]), b.constant('c.b', w(4, 2), [4])],
    { ...opts, groups: 1 },
    'conv',
  );
  h = b.node(
    'DepthwiseConv2D',
    [h, b.constant('dw.w', w(36, 3), [1, 3, 3, 4]), b.constant('dw.b', w(4, 4), [4])],
    { ...opts, multiplier: 1 },
    'dw',
  );
  h = b.node('Reshape', [h], { shape: [1, 64] }, 'flat');
  b.output(b.node('Dense', [h, b.constant('d.w', w(192, 5), [3, 64]), b.constant('d.b', w(3, 6), [3])], {}, 'logits'));
  return b.build();
}

describe('a layer a step cannot compress', () => {
  const calibration = Array.from({ length: 8 }, (_, k) => ({ x: Float32Array.from({ length: 16 }, (_, i) => ((i * 3 + k) % 7) / 7) }));

  it("stops the recipe by default, naming the layer, its op, the reason and the 'skip' option", async () => {
    for (const step of ['fp16', 'int4']) {
      const e = await runPipeline(withDepthwise(), [{ step }], { data: { calibration } }).then(
        () => null,
        (x: unknown) => x as TinyforgeError,
      );
      expect(e, step).toBeInstanceOf(TinyforgeError);
      expect(e!.code).toBe('layer-not-applicable');
      expect(e!.message).toContain(`${step} cannot apply to "dw" (DepthwiseConv2D)`);
      expect(e!.diagnostic.location).toMatchObject({ node: 'dw', op: 'DepthwiseConv2D' });
      expect(e!.diagnostic.hint).toContain('"on_unsupported": "skip"');
    }
  });

  it("with on_unsupported: 'skip' compresses the rest, leaves that layer as it was and warns", async () => {
    const log = createLog();
    const { ir } = await runPipeline(withDepthwise(), [{ step: 'int4', on_unsupported: 'skip' }], { data: { calibration }, log });
    const weightOf = (node: string) => ir.tensors[ir.nodes.find((n) => n.name === node)!.inputs[1]];
    expect(weightOf('conv').storage?.kind).toBe('int4');
    expect(weightOf('logits').storage?.kind).toBe('int4');
    expect(weightOf('dw').storage).toBeUndefined();
    expect(weightOf('dw').dtype).toBe('i8');
    expect(log.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'layer-skipped', severity: 'warning', location: { node: 'dw', op: 'DepthwiseConv2D' } }),
    );
  });

  it('on_unsupported takes only stop or skip', () => {
    const e = errorOf(() => validateRecipe([{ step: 'fp16', on_unsupported: 'ignore' }]));
    expect(e.diagnostic.notes!.join('\n')).toContain(`on_unsupported = "ignore" must be one of 'stop', 'skip' (default 'stop')`);
  });
});
