import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../src/build/boards.ts';
import { checkFits } from '../../src/build/fit-check.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';

describe('fit check', () => {
  const microbit = loadBoard('microbit');

  it('accepts a model inside the budgets', () => {
    expect(() => checkFits(microbit, { flashBytes: 100_000, ramBytes: 8_000 })).not.toThrow();
  });

  it('refuses a model too big for flash and RAM, with every figure', () => {
    let err: TinyforgeError | undefined;
    try {
      checkFits(microbit, { flashBytes: 266_000, ramBytes: 20_000 }, 'lenet.onnx');
    } catch (e) {
      err = e as TinyforgeError;
    }
    expect(err?.code).toBe('model-too-big');
    expect(err?.message).toBe('lenet.onnx does not fit microbit');
    const notes = err?.diagnostic.notes ?? [];
    expect(notes).toHaveLength(2);
    expect(notes[0]).toContain('flash');
    expect(notes[0]).toContain('256 KB');
    expect(notes[1]).toContain('RAM');
    expect(notes[1]).toContain('16 KB');
  });
});
