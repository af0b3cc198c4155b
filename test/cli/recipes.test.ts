// `tinyforge recipes`: every step and preset is listed, a step's parameters come with their ranges and defaults (the
// same ones the recipe validator enforces), and an unknown name is an error that lists the valid ones.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { passes, presets, validateRecipe } from '../../src/compress/pipeline.ts';

function cli(...args: string[]) {
  const r = spawnSync('node', ['bin/tinyforge.js', 'recipes', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tinyforge recipes', () => {
  it('lists every step and preset', () => {
    const r = cli('--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.steps.map((s: { name: string }) => s.name).sort()).toEqual(Object.keys(passes).sort());
    expect(Object.keys(out.presets).sort()).toEqual(Object.keys(presets).sort());
    expect(cli().stdout).toContain('deep-compression      prune-weights → cluster → huffman');
  });

  it('a step: every parameter the validator accepts, with its range and default', () => {
    const r = cli('cluster', '--json');
    expect(r.code).toBe(0);
    const { params } = JSON.parse(r.stdout);
    expect(params.bits).toMatchObject({ type: 'number', min: 2, max: 8, default: 5 });
    expect(params.distill).toMatchObject({ min: 0, max: 1, default: 0 });
    const defaults = validateRecipe([{ step: 'cluster' }])[0];
    expect(Object.keys(params).sort()).toEqual(Object.keys(defaults).sort());
    const text = cli('qat-int8').stdout;
    expect(text).toMatch(/distill\s+a number in \[0, 1\] \(default 0\.5\)/);
  });

  it('a preset with a variant for convolutional models names it', () => {
    const r = cli('deep-compression', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      name: 'deep-compression',
      recipe: presets['deep-compression'],
      convolutional_models: 'deep-compression-cnn',
    });
    expect(JSON.parse(cli('int8', '--json').stdout)).toEqual({ name: 'int8', recipe: presets.int8 });
  });

  it('an unknown name exits 2 and lists the steps and presets', () => {
    const r = cli('nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[bad-argument]: "nope" is neither a compression step nor a preset');
    expect(r.stderr).toContain('steps: quantize-int8');
  });
});
