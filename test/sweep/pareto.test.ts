// The Pareto front, the limits and the recommendation on figures chosen so that each rule decides something.
import { describe, expect, it } from 'vitest';
import { dominates, limitFailures, paretoFronts, recommend, type Point } from '../../src/report/pareto.ts';
import type { RunFigures } from '../../src/report/figures.ts';

const fig = (top1: number, latency: number | null, flash: number, ram: number): RunFigures => ({
  device_top1: top1,
  reference_top1: top1,
  float_top1: null,
  agreement: 1,
  latency_unit: latency === null ? 'unavailable' : 'instructions',
  latency,
  latency_ms: latency === null ? null : latency / 25_000,
  flash_bytes: flash,
  ram_bytes: ram,
  arena_bytes: 0,
  stack_bytes: null,
  weight_bytes: 0,
  ratio: 1,
});

describe('Pareto front and recommendation', () => {
  const points: Point[] = [
    { id: 'int8', board: 'a', figures: fig(0.98, 400_000, 270_000, 2_000) },
    { id: 'int4', board: 'a', figures: fig(0.975, 420_000, 150_000, 2_000) },
    { id: 'binary', board: 'a', figures: fig(0.95, 500_000, 40_000, 2_000) },
    { id: 'worse', board: 'a', figures: fig(0.95, 600_000, 150_000, 2_000) }, // beaten by int4 on every axis
    { id: 'float', board: 'a', figures: fig(0.98, 900_000, 1_000_000, 8_000) }, // beaten by int8
    { id: 'only-b', board: 'b', figures: fig(0.5, null, 1_000_000, 8_000) }, // alone on its board
  ];

  it('dominance needs at least as good everywhere and better somewhere', () => {
    expect(dominates(points[1].figures, points[3].figures)).toBe(true);
    expect(dominates(points[0].figures, points[1].figures)).toBe(false);
    expect(dominates(points[0].figures, points[0].figures)).toBe(false);
  });

  it('the front of each board keeps the points nothing beats on that board', () => {
    expect(paretoFronts(points)).toEqual({ a: ['int8', 'int4', 'binary'], b: ['only-b'] });
  });

  it('limits name what they break; the recommendation is the best top-1 within them', () => {
    expect(limitFailures(points[0].figures, { max_flash_bytes: 200_000, min_top1: 0.99 })).toEqual([
      'max_flash_bytes: flash 270,000 B > 200,000 B',
      'min_top1: device top-1 0.98 < 0.99',
    ]);
    expect(limitFailures(points[5].figures, { max_latency_ms: 10 })).toEqual([
      'max_latency_ms: latency is unavailable on this board (unavailable)',
    ]);
    expect(recommend(points, {})?.id).toBe('int8'); // ties with float on top-1, faster
    expect(recommend(points, { max_flash_bytes: 200_000 })?.id).toBe('int4');
    expect(recommend(points, { max_flash_bytes: 200_000, max_latency_ms: 17 })?.id).toBe('int4');
    expect(recommend(points, { max_flash_bytes: 100_000 })?.id).toBe('binary');
    expect(recommend(points, { max_flash_bytes: 100_000, min_top1: 0.96 })).toBeUndefined();
  });
});
