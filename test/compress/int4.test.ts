// int4 weights (per-channel symmetric 4-bit, int8 activations) and fp16 weight storage: passes, accuracy against float,
// and the C build (int4: identical bytes; fp16: float tolerance).
import { describe, expect, it } from 'vitest';
import { createLog } from '../../src/compress/pass.ts';
import { fp16 } from '../../src/compress/fp16.ts';
import { int4 } from '../../src/compress/int4.ts';
import { weightRatio } from '../../src/compress/deep-compression-table.ts';
import { roundToHalf, f32ToHalfBits, halfBitsToF32 } from '../../src/codegen/packing/bits.ts';
import { evaluateOnHost } from '../../src/reference/evaluate.ts';
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

  it('int4 stays within 2 pt of float on MNIST (small model), C bit-exact; fp16 halves the bytes, C within tolerance', async () => {
    const train = await mnistSlice(3000);
    const float = await trained(mlp(1, 64, 32), train, 2);
    const test = await mnistSlice(300, 'test');
    const calibration = Array.from({ length: 50 }, (_, i) => ({ input: prepareInput(float, train.get(i).x) }));
    const params = { percentile: 100, samples: 50, fuse: true, weights: 'per-channel', keep_first: false, keep_last: false };
    const { ir, report } = await int4.run(float, { params, data: { calibration } }, createLog());
    for (const n of ['fc1.w', 'fc2.w', 'fc3.w']) {
      expect(ir.tensors[n].storage?.kind).toBe('int4');
      for (const v of ir.tensors[n].data!) expect(Math.abs(v)).toBeLessThanOrEqual(7);
    }
    const accFloat = (await evaluateOnHost(float, test)).referenceTop1;
    const accInt4 = (await evaluateOnHost(ir, test)).referenceTop1;
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
    expect((await evaluateOnHost(h.ir, test)).referenceTop1).toBeGreaterThanOrEqual(accFloat - 0.01);
    const fin = [0, 1, 2].map((i) => prepareInput(h.ir, test.get(i).x));
    const frun = runOnHost(h.ir, fin);
    expect(frun.gen.kernels).toContain('tfg_dense_f32_f16');
    fin.forEach((x, i) => {
      const ref = runGraph(h.ir, { input: x }).outputs[h.ir.outputs[0]] as Float32Array;
      expect(maxFloatViolation(new Float32Array(frun.outputs[i].buffer.slice(0)), ref)).toBeNull();
    });
  }, 60_000);
});
