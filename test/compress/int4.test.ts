// int4 weights (per-channel symmetric 4-bit, int8 activations) and fp16 weight storage: passes, accuracy against float,
// and the C build (int4: identical bytes; fp16: float tolerance).
import { describe, expect, it } from 'vitest';
import { createLog } from '../../src/compress/pass.ts';
import { fp16 } from '../../src/compress/fp16.ts';
import { int4, int4Scale } from '../../src/compress/int4.ts';
import { clamp, roundHalfAway } from '../../src/reference/quant.ts';
import { weightRatio } from '../../src/compress/deep-compression-table.ts';
import { roundToHalf, f32ToHalfBits, halfBitsToF32 } from '../../src/packing/bits.ts';
import { referenceTop1 } from '../../src/reference/top1.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { prepareInput } from '../../src/reference/model-input.ts';
import { maxFloatViolation, runOnHost } from '../codegen/host-run.ts';
import { mlp, mnistSlice, trained } from './prune-fixtures.ts';

describe('fp16 and int4', () => {
  it('half conversion: exact on representable values, round-to-nearest-even, subnormals and overflow', () => {
    for (const v of [0, 1, -2, 0.5, 65504, 2 ** -24, 2 ** -14, -(2 ** -20)]) expect(roundToHalf(v)).toBe(v);
    expect(f32ToHalfBits(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(f32ToHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(halfBitsToF32(f32ToHalfBits(1e6))).toBe(Infinity);
    expect(roundToHalf(2 ** -26)).toBe(0);
    expect(roundToHalf(3 * 2 ** -26)).toBe(2 ** -24);
  });

  it('MSE clipping: never a larger squared error than max-abs, and clips a lone outlier', () => {
    const err = (w: Float32Array, s: number) => w.reduce((e, x) => e + (x - s * clamp(roundHalfAway(x / s), -7, 7)) ** 2, 0);
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    for (let t = 0; t < 20; t++) {
      const w = Float32Array.from({ length: 64 }, () => rnd() * rnd() * rnd()); // peaked, like trained weights
      const mse = int4Scale(w, 0, 64, 'mse');
      const max = int4Scale(w, 0, 64, 'max');
      expect(max).toBe(Math.fround(Math.max(...Array.from(w, Math.abs)) / 7));
      expect(mse).toBeLessThanOrEqual(max);
      expect(err(w, mse)).toBeLessThanOrEqual(err(w, max));
    }
    // 999 weights spread over ±0.1 and one at 0.3: finer steps for the many beat the outlier's clipping error
    const w = Float32Array.from({ length: 1000 }, (_, i) => (i === 0 ? 0.3 : ((i * 37) % 200) / 1000 - 0.1));
    expect(int4Scale(w, 0, 1000, 'mse')).toBeLessThan(int4Scale(w, 0, 1000, 'max') * 0.6);
    expect(int4Scale(new Float32Array(8), 0, 8, 'mse')).toBe(1); // all-zero channel
  });

  it('int4 stays within 2 pt of float on MNIST (small model), C bit-exact; fp16 halves the bytes, C within tolerance', async () => {
    const train = await mnistSlice(3000);
    const float = await trained(mlp(1, 64, 32), train, 2);
    const test = await mnistSlice(300, 'test');
    const calibration = Array.from({ length: 50 }, (_, i) => ({ input: prepareInput(float, train.get(i).x) }));
    const params = { percentile: 100, samples: 50, fuse: true, weights: 'per-channel', keep_first: false, keep_last: false, clip: 'mse' };
    const { ir, report } = await int4.run(float, { params, data: { calibration } }, createLog());
    for (const n of ['fc1.w', 'fc2.w', 'fc3.w']) {
      expect(ir.tensors[n].storage?.kind).toBe('int4');
      for (const v of ir.tensors[n].data!) expect(Math.abs(v)).toBeLessThanOrEqual(7);
    }
    const accFloat = referenceTop1(float, test);
    const accInt4 = referenceTop1(ir, test);
    expect(accInt4).toBeGreaterThan(accFloat - 0.02);
    expect(weightRatio(ir).ratio).toBeGreaterThan(7);
    expect(report.layers[0].bits_per_weight).toBe(4);
    const inputs = [0, 1, 2, 3, 4].map((i) => prepareInput(ir, test.get(i).x));
    const run = runOnHost(ir, inputs);
    expect(run.gen.kernels).toContain('tfg_dense_s4');
    inputs.forEach((x, i) => {
      const ref = runGraph(ir, { input: x }).outputs[ir.outputs[0]];
      expect(run.outputs[i]).toEqual(new Uint8Array(ref.buffer, ref.byteOffset, ref.byteLength));
    });

    const h = await fp16.run(float, { params: {}, data: {} }, createLog());
    const r = weightRatio(h.ir);
    expect(r.ratio).toBeGreaterThan(1.95);
    expect(referenceTop1(h.ir, test)).toBeGreaterThanOrEqual(accFloat - 0.01);
    const fin = [0, 1, 2].map((i) => prepareInput(h.ir, test.get(i).x));
    const frun = runOnHost(h.ir, fin);
    expect(frun.gen.kernels).toContain('tfg_dense_f32_f16');
    fin.forEach((x, i) => {
      const ref = runGraph(h.ir, { input: x }).outputs[h.ir.outputs[0]] as Float32Array;
      expect(maxFloatViolation(new Float32Array(frun.outputs[i].buffer.slice(0)), ref)).toBeNull();
    });
  }, 60_000);
});
