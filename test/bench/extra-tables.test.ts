// bench sections return more than rows and figures (device rows, per-model layer tables, the lottery table); the
// text output must show them too, titled by their key, and leave out what is not a table.
import { describe, expect, it } from 'vitest';
import { extraTables } from '../../bench/format.ts';

describe('extraTables', () => {
  it('prints row lists, maps of row lists and preformatted tables, and nothing else', () => {
    const text = extraTables({
      rows: [{ a: 1 }],
      figures: [{ name: 'x' }],
      device: [{ board: 'mps2-an386', instructions: 106195 }],
      tables: { 'lenet300/deep-compression': [{ node: 'fc1', bits: 5 }], note: 'not rows' },
      lottery: { settings: { seeds: 3 }, table: 'pruning  kept\nstructured  47%' },
      distill: { regime: 'limited labels', seeds: 3 },
      test_images: 10000,
    });
    expect(text).toContain('device\n');
    expect(text).toContain('106,195');
    expect(text).toContain('tables: lenet300/deep-compression\n');
    expect(text).toContain('fc1');
    expect(text).toContain('lottery\npruning  kept\nstructured  47%');
    expect(text).not.toContain('limited labels');
    expect(text).not.toContain('10,000');
    expect(text).not.toMatch(/^rows|\nrows\n|figures/);
  });

  it('is empty when a section returns only rows and figures', () => {
    expect(extraTables({ rows: [{ a: 1 }], figures: [] })).toBe('');
  });
});
