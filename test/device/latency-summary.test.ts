import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../src/build/boards.ts';
import { summarizeLatency } from '../../src/device/latency-summary.ts';

describe('latency summary', () => {
  it('gives median and nearest-rank p90 in instructions with an explicit estimate for ms', () => {
    const board = loadBoard('mps2-an386');
    const lat = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((v) => ({ ticks: v / 5, value: v * 1000, unit: 'instructions' as const }));
    const s = summarizeLatency(board, lat);
    expect([s.unit, s.median, s.p90, s.samples]).toEqual(['instructions', 50_000, 90_000, 10]);
    expect(s.ms).toBeCloseTo(2, 6); // 50k instructions at 25 MHz
    expect(s.ms_note).toContain('estimate');
  });

  it('reports unavailable on a board without a timer', () => {
    const s = summarizeLatency(loadBoard('microbit'), [{ ticks: 0, value: null, unit: 'unavailable' }]);
    expect([s.unit, s.median, s.ms]).toEqual(['unavailable', null, null]);
  });
});
