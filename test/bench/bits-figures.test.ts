// Issue 4's PASS/FAIL logic in bench/bits-figures.ts (thresholds, missing rows → NOT MEASURED, the compute/decode
// split of the mps2-an385 rows) and the kept-MAC count of bench/bits-device.ts on a pruned CNN.
import { describe, expect, it } from 'vitest';
import { bitsFigures, decodeSplit, type BitsDeviceRow, type BitsRow } from '../../bench/bits-figures.ts';
import { keptMacs } from '../../bench/bits-device.ts';
import { applyMagnitudeMasks } from '../../src/compress/prune-weights.ts';
import { graphStats } from '../../src/ir/stats.ts';
import { cnn } from '../compress/prune-fixtures.ts';

const row = (model: string, technique: string, top1: number, ratio: number, top1_float = 0.9837): BitsRow => ({
  model, technique, top1_float, top1, delta_pt: Math.round((top1 - top1_float) * 10000) / 100,
  float32_bytes: 1000, deployed_bytes: Math.round(1000 / ratio), ratio, seconds: 1, detail: '',
});
const dev = (technique: string, board: string, variant: 'packed' | 'dense-weights', o: Partial<BitsDeviceRow>): BitsDeviceRow => ({
  model: 'lenet300', technique, board, variant, samples: 500, device_top1: 0.976, reference_top1: 0.976, agreement: 1,
  latency_unit: 'instructions', latency_median: null, flash_bytes: 0, ram_bytes: 0, arena_bytes: 0, weight_bytes: 0,
  stack_bytes: 0, macs: 266200, kept_macs: 21000, ...o,
});

describe('bits figures', () => {
  it('checks each target and says NOT MEASURED for missing rows', () => {
    const rows = [
      row('lenet300', 'deep-compression', 0.9810, 42), // −0.27 pt, 42×: pass
      row('cnn', 'deep-compression', 0.9880, 29.9, 0.9885), // ratio short: fail
      row('lenet300', 'binary', 0.9745, 27.8),
      row('lenet300', 'ptq-int8', 0.9830, 4), row('lenet300', 'qat-int8', 0.9829, 4), // QAT below PTQ: fail
      row('lenet300', 'int4', 0.9830, 8), row('cnn', 'int4', 0.9780, 8, 0.9885), // −1.05 pt: fail
    ];
    const device = [
      dev('deep-compression', 'microbit', 'packed', {}),
      dev('deep-compression', 'mps2-an385', 'packed', { latency_median: 6_700_000 }),
      dev('deep-compression', 'mps2-an385', 'dense-weights', { latency_median: 13_310_000 }),
      dev('binary', 'mps2-an386', 'packed', { device_top1: 0.97, reference_top1: 0.972 }),
    ];
    const f = Object.fromEntries(bitsFigures(rows, device, 10000).map((x) => [x.name, x.pass]));
    expect(f).toEqual({
      'LeNet-300-100 deep-compression': true,
      'LeNet-300-100 deep-compression on microbit': true,
      'LeNet-300-100 deep-compression instructions/inference on mps2-an385': true,
      'mnist CNN deep-compression': false,
      'BinaryConnect LeNet-300-100': true,
      'BinaryConnect LeNet-300-100 on mps2-an386': false,
      'LeNet-300-100 QAT int8 ≥ PTQ int8': false,
      'mnist CNN QAT int8 ≥ PTQ int8': null,
      'LeNet-300-100 int4 weights': true,
      'mnist CNN int4 weights': false,
    });
    const names = bitsFigures([], [], 1000).map((x) => x.name);
    expect(names[0]).toMatch(/only 1000 test images/);
  });

  it('splits packed instructions into compute (kept MACs at the dense build\'s cost per MAC) and decode', () => {
    const s = decodeSplit(dev('x', 'b', 'packed', { latency_median: 6_700_000 }), dev('x', 'b', 'dense-weights', { latency_median: 13_310_000 }))!;
    expect(s.perMac).toBeCloseTo(50, 6);
    expect(s.compute).toBe(1_050_000);
    expect(s.decode).toBe(5_650_000);
    expect(s.perWeight).toBeCloseTo(5_650_000 / 21000, 6);
    expect(decodeSplit(dev('x', 'b', 'packed', { latency_unit: 'unavailable', latency_median: 1 }), dev('x', 'b', 'dense-weights', { latency_median: 2 }))).toBeUndefined();
  });

  it('counts MACs on kept weights: a conv weight once per output pixel', () => {
    const g = cnn(1);
    expect(keptMacs(g)).toBe(graphStats(g).totals.macs); // nothing pruned (He init has no exact zeros)
    applyMagnitudeMasks(g, { sparsity: 0.5, scope: 'per-layer' });
    const nz = (n: string) => Array.from(g.tensors[n].data!).filter((v) => v !== 0).length;
    expect(keptMacs(g)).toBe(nz('conv1.w') * 28 * 28 + nz('conv2.w') * 14 * 14 + nz('fc.w'));
  });
});
