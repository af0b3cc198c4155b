// Recipe validation: unknown steps, unknown or out-of-range parameters and unknown presets are rejected up front.
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';
import { resolveRecipe, runPipeline, validateRecipe } from '../../src/compress/pipeline.ts';

const tiny = () => {
  const b = new GraphBuilder('tiny');
  b.output(b.node('Relu', [b.input('x', [1, 4])], {}, 'y'));
  return b.build();
};

function errorOf(f: () => unknown): TinyforgeError {
  try {
    f();
  } catch (e) {
    if (e instanceof TinyforgeError) return e;
    throw e;
  }
  throw new Error('expected a TinyforgeError');
}

describe('recipes', () => {
  it('fills defaults', () => {
    expect(validateRecipe([{ step: 'quantize-int8', percentile: 99.99 }])).toEqual([{ percentile: 99.99, samples: 100, fuse: true, weights: 'per-channel' }]);
    expect(resolveRecipe('int8')).toEqual([{ step: 'quantize-int8' }]);
  });

  it('lists every problem at once, with the valid range', () => {
    const e = errorOf(() =>
      validateRecipe([
        { step: 'quantize-int8', percentile: 120, samples: 2.5, colour: 'red' },
        { step: 'prune-magic' },
        { step: 'quantize-int8', fuse: 'yes', weights: 'per-row' },
      ]),
    );
    expect(e.code).toBe('bad-recipe');
    expect(e.message).toMatch(/6 problems/);
    const notes = e.diagnostic.notes!.join('\n');
    expect(notes).toContain('percentile = 120 must be a number in [90, 100] (default 100)');
    expect(notes).toContain('samples = 2.5 must be an integer in [1, 100000]');
    expect(notes).toContain('unknown parameter "colour"; accepted: percentile, samples, fuse, weights');
    expect(notes).toContain('step 2: unknown step "prune-magic"; known steps: quantize-int8');
    expect(notes).toContain('fuse = "yes" must be true or false');
    expect(notes).toContain(`weights = "per-row" must be one of 'per-channel', 'per-tensor' (default 'per-channel')`);
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
    expect(compression).toEqual({ steps: [], original_bytes: 0, compressed_bytes: 0, ratio: 1 });
  });
});
