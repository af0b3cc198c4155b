// Preprocessing: (raw·scale − mean[c]) / std[c] with channels last, and the CLI string forms.
import { describe, it, expect } from 'vitest';
import { applyPreprocess, parseNumber, parsePreprocess } from '../../src/data/preprocess.ts';
import { TinyforgeError } from '../../src/diagnostics.ts';

describe('applyPreprocess', () => {
  it('scales, subtracts the mean and divides by the std per channel (NHWC: channel = index mod C)', () => {
    const raw = Float32Array.from([255, 0, 51, 102, 204, 153]); // 2 pixels × 3 channels
    const out = applyPreprocess(raw, { scale: 1 / 255, mean: [0.5, 0.25, 0], std: [0.5, 0.25, 2] }, 3);
    const expected = [(1 - 0.5) / 0.5, (0 - 0.25) / 0.25, 0.2 / 2, (0.4 - 0.5) / 0.5, (0.8 - 0.25) / 0.25, 0.6 / 2];
    out.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
  });

  it('broadcasts a single mean/std, copies without preprocessing, and never mutates the input', () => {
    const raw = Float32Array.from([0, 255]);
    expect(Array.from(applyPreprocess(raw, { scale: 1 / 255, mean: [0.1307], std: [0.3081] }, 1)).map((v) => +v.toFixed(4))).toEqual([
      -0.4242, 2.8215,
    ]);
    const copy = applyPreprocess(raw, undefined);
    expect(Array.from(copy)).toEqual([0, 255]);
    expect(copy).not.toBe(raw);
    expect(Array.from(raw)).toEqual([0, 255]);
  });

  it('rejects a mean list that does not match the channel count', () => {
    expect(() => applyPreprocess(new Float32Array(6), { scale: 1, mean: [1, 2], std: [1] }, 3)).toThrow(TinyforgeError);
  });
});

describe('CLI forms', () => {
  it('parses numbers and fractions', () => {
    expect(parseNumber('1/255')).toBeCloseTo(1 / 255, 12);
    expect(parseNumber(' 0.5 ')).toBe(0.5);
    expect(parseNumber('-1e-3')).toBe(-0.001);
    for (const bad of ['', 'abc', '1/0', '1/', '1/2/3']) expect(() => parseNumber(bad), bad).toThrow(TinyforgeError);
  });

  it('builds a Preprocess with defaults, lists per channel, and rejects std 0', () => {
    expect(parsePreprocess({ scale: '1/255', mean: '0.1307', std: '0.3081' })).toEqual({ scale: 1 / 255, mean: [0.1307], std: [0.3081] });
    expect(parsePreprocess({})).toEqual({ scale: 1, mean: [0], std: [1] });
    expect(parsePreprocess({ mean: '0.485,0.456,0.406' }).mean).toEqual([0.485, 0.456, 0.406]);
    const e = (() => {
      try {
        parsePreprocess({ std: '0' });
      } catch (x) {
        return x as TinyforgeError;
      }
    })();
    expect(e?.code).toBe('bad-preprocess');
  });
});
