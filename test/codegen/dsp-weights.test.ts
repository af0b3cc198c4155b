// The compile-time data of the DSP int8 kernels: interleaved weight layouts, shift codes and the SMMULR bound.
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { interleaveDenseRows, padConvRows, shiftCode, smmulrChannels } from '../../src/codegen/ops/dsp-weights.ts';
import { generateModel } from '../../src/codegen/generate.ts';
import { q, qAxis } from './graphs.ts';

describe('DSP weight layouts', () => {
  it('pads each conv row to whole words with zeros, permuting each group of 4 when asked', () => {
    // 3 channels × K = 5: rows 0..2 hold 10c + i
    const w = Int8Array.from({ length: 15 }, (_, j) => 10 * Math.floor(j / 5) + (j % 5));
    expect(Array.from(padConvRows(w, 3, 5, false))).toEqual([
      ...[0, 1, 2, 3, 4, 0, 0, 0],
      ...[10, 11, 12, 13, 14, 0, 0, 0],
      ...[20, 21, 22, 23, 24, 0, 0, 0],
    ]);
    // permuted: bytes 0,2,1,3 of every group; the padding zeros stay zeros
    expect(Array.from(padConvRows(w, 3, 5, true)).slice(0, 16)).toEqual([0, 2, 1, 3, 4, 0, 0, 0, 10, 12, 11, 13, 14, 0, 0, 0]);
  });

  it('interleaves dense rows by four with the input tail last', () => {
    const w = Int8Array.from({ length: 5 * 6 }, (_, j) => j); // 5 rows × 6 inputs
    const out = Array.from(interleaveDenseRows(w, 5, 6));
    expect(out.length).toBe(2 * 4 * 6);
    expect(out.slice(0, 16)).toEqual([0, 1, 2, 3, 6, 7, 8, 9, 12, 13, 14, 15, 18, 19, 20, 21]);
    expect(out.slice(16, 24)).toEqual([4, 10, 16, 22, 5, 11, 17, 23]); // inputs 4 and 5 of rows 0..3
    expect(out.slice(24, 28)).toEqual([24, 25, 26, 27]); // row 4, then zero rows
    expect(out.slice(28, 40).every((v) => v === 0)).toBe(true);
  });

  it('codes shifts: right shifts with a proven bound take SMMULR, the rest the general path', () => {
    expect(shiftCode(-1, true)).toBe(0);
    expect(shiftCode(-31, true)).toBe(30);
    expect(shiftCode(-7, false)).toBe(-71);
    expect(shiftCode(0, true)).toBe(-64);
    expect(shiftCode(3, true)).toBe(-61);
    const w = Int8Array.from([127, -127, 0, 0]);
    const bias = { data: Int32Array.from([2 ** 30 - 255 * 254, 2 ** 30]) } as never;
    expect(smmulrChannels(w, bias, 128, 2, 2, (c, i) => 2 * c + i)).toEqual([false, false]);
    expect(smmulrChannels(w, { data: Int32Array.from([0, 2 ** 30 - 1]) } as never, 128, 2, 2, (c, i) => 2 * c + i)).toEqual([true, true]);
  });

  it('emits int8 shift codes and the weights once, re-laid for the kernel and counted as weight bytes, for a DSP dense layer', () => {
    const b = new GraphBuilder('dsp dense');
    const x = b.input('x', [1, 8], 'i8', q(0.05, 0));
    const w = b.constant(
      'w',
      Int8Array.from({ length: 16 }, (_, i) => i - 8),
      [2, 8],
      qAxis([0.01, 0.02], 0),
    );
    b.output(b.node('Dense', [x, w, ''], { activation: 'none' }, { name: 'y', dtype: 'i8', quant: q(0.1, 0) }));
    const g = b.build();
    const gen = generateModel(g, { board: { kernels: 'cortex-m-dsp' } });
    expect(gen.kernels).toEqual(['tfg_dense_s8_dsp']);
    expect(gen.files['model.c']).toMatch(/static const int8_t \w+_shift_code\[\]/);
    expect(gen.files['model.c']).toMatch(/re-laid for its kernel \(32 values\) \*\/\nstatic const int8_t w_w\[32\] TFG_ALIGN\(4\)/);
    expect(gen.weightBytes).toBe(32); // 2 rows padded to 4, interleaved
    // the same graph generated for the reference kernels gets the original layout back
    const ref = generateModel(g, {});
    expect(ref.files['model.c']).toMatch(/static const int8_t w_w\[16\]/);
  });
});
