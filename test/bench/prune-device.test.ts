// bench/prune-device.ts through the real chain (PTQ → codegen → arm-none-eabi-gcc → QEMU mps2-an386): a tiny MLP and a
// half-width copy of it run on the device, bytes identical to the reference, with fewer instructions for fewer MACs;
// zeroed weights are counted by nonzeroWeights and change nothing on the device with dense storage.
import { describe, expect, it } from 'vitest';
import { analyzeChannels } from '../../src/compress/prune-channel-groups.ts';
import { removeChannels } from '../../src/compress/prune-channel-removal.ts';
import { cloneGraph } from '../../src/ir/graph.ts';
import { deviceRow, nonzeroWeights, referenceTop1, toInt8 } from '../../bench/prune-device.ts';
import { mlp, mnistSlice, sampleInput, trained } from '../compress/prune-fixtures.ts';

describe('bench/prune-device', () => {
  it('int8 rows on mps2-an386: identical to the reference, instructions fall with MACs, zeros cost the same', { timeout: 180_000 }, async () => {
    const train = await mnistSlice(1000);
    const test = await mnistSlice(20, 'test');
    const g = await trained(mlp(3, 48, 24), train, 2);
    const a = analyzeChannels(g);
    const half = removeChannels(g, new Map(a.prunable().map((gr) => [gr.id, Array.from({ length: gr.size / 2 }, (_, i) => i)])), a);
    const calibration = Array.from({ length: 32 }, (_, i) => sampleInput(train, i));
    const [g8, h8] = [await toInt8(g, calibration), await toInt8(half, calibration)];
    const top1 = referenceTop1(g8, test);
    expect(top1).toBeGreaterThan(0.4); // well above chance (0.1): the int8 graph computes something
    const say = () => undefined;
    const full = await deviceRow('mlp', g8, g, 'mps2-an386', test, 4, top1, 'dense', say);
    const small = await deviceRow('mlp-half', h8, half, 'mps2-an386', test, 4, referenceTop1(h8, test), 'dense', say);
    for (const r of [full, small]) expect(r).toMatchObject({ status: 'ok', quant: 'int8', latency_unit: 'instructions', device_samples: 4, agreement: 1 });
    expect(full.macs / small.macs).toBeGreaterThan(1.9);
    expect(full.instructions! / small.instructions!).toBeGreaterThan(1.5);
    expect(small.flash_bytes!).toBeLessThan(full.flash_bytes!);

    // Half of fc1's weights set to zero: counted as such, but stored dense they take the same flash and time.
    const z = cloneGraph(g);
    const w = z.tensors['fc1.w']!.data!;
    for (let i = 0; i < w.length; i += 2) w[i] = 0;
    expect(nonzeroWeights(g) - nonzeroWeights(z)).toBe(w.length / 2);
    const zr = await deviceRow('mlp-zeros', await toInt8(z, calibration), z, 'mps2-an386', test, 4, 0, 'dense', say);
    expect(zr.flash_bytes).toBe(full.flash_bytes);
    expect(Math.abs(zr.instructions! - full.instructions!) / full.instructions!).toBeLessThan(0.02);
  });
});
