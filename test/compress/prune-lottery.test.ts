// Lottery experiment at toy scale: every cell has one figure per seed, Scratch-B gets more (capped) epochs, and the
// CLI table prints mean ± std for both pruning kinds.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { LOTTERY_COLUMNS, meanStd, runLottery } from '../../src/compress/prune-lottery.ts';
import { lotteryTable, register } from '../../src/cli/commands/experiment.ts';
import { mlp, mnistSlice } from './prune-fixtures.ts';

describe('experiment lottery', () => {
  it('mean ± std', () => {
    expect(meanStd([0.9, 0.92, 0.94])).toEqual({ mean: expect.closeTo(0.92, 12), std: expect.closeTo(0.02, 12) });
  });

  it('fills every cell with one run per seed', async () => {
    const train = await mnistSlice(600);
    const test = await mnistSlice(300, 'test');
    const rows = await runLottery(mlp(1, 48, 24), train, test, {
      seeds: [1, 2, 3],
      epochs: 1,
      learningRate: 2e-3,
      batchSize: 64,
      sparsity: 0.8,
      channelFraction: 0.5,
      fineTuneEpochs: 1,
      scratchBCap: 2,
    });
    expect(rows.map((r) => r.kind)).toEqual(['unstructured', 'structured']);
    for (const r of rows) {
      for (const c of LOTTERY_COLUMNS) {
        expect(r.runs[c]).toHaveLength(3);
        for (const v of r.runs[c]) expect(v).toBeGreaterThan(0.15); // above chance (0.1) after one epoch on 600 samples
      }
      expect(r.scratchBEpochs).toBe(2); // ≥ 2× fewer MACs → capped at 2 × 1 epoch
    }
    expect(rows[0]!.kept).toBeCloseTo(0.2);
    expect(rows[1]!.kept).toBeLessThan(0.55);
    const text = lotteryTable(rows);
    expect(text).toMatch(/Scratch-B/);
    expect(text.split('\n')).toHaveLength(4);
    expect(text).toMatch(/unstructured\s+20\.0%\s+\d+\.\d\d \(±\d+\.\d\d\)/);
  }, 60_000);

  it('registers `experiment lottery` with its flags, refusing bad values', async () => {
    const p = new Command('tinyforge').exitOverride();
    register(p);
    const lottery = p.commands.find((c) => c.name() === 'experiment')!.commands.find((c) => c.name() === 'lottery')!;
    expect(lottery.options.map((o) => o.long)).toEqual(
      expect.arrayContaining(['--dataset', '--seeds', '--json', '--train-samples', '--epochs']),
    );
    await expect(
      p.parseAsync(['experiment', 'lottery', 'x.onnx', '--dataset', 'mnist', '--seeds', '0'], { from: 'user' }),
    ).rejects.toMatchObject({ code: 'bad-argument' });
  });
});
